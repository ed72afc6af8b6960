import { createReadStream, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, normalize } from "node:path";

/** A static file server on 127.0.0.1 for the harness downloads; a path ending in / serves its _index. */
export interface FixtureServer {
  url: string;
  /** Every path asked for, with the status answered. */
  requests: Array<{ path: string; status: number }>;
  close(): Promise<void>;
}

export async function serveFixtures(root: string): Promise<FixtureServer> {
  const requests: FixtureServer["requests"] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = join(root, normalize(path.endsWith("/") ? `${path}index.html` : path));
    let status = 404;
    try {
      if (file.startsWith(root) && !path.includes("/.stage/") && statSync(file).isFile()) status = 200;
    } catch {
      // missing: 404
    }
    requests.push({ path, status });
    if (status !== 200) {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not Found\n");
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": statSync(file).size });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
