import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { build } from "esbuild";
import { afterEach, describe, expect, it } from "vitest";
import { toConnectionError } from "../../src/client/connection.js";
import { createNodeFetch } from "../../src/client/node-fetch.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((r) => s.close(r));
    }),
  );
});

/** A loopback server; counts the TCP connections it accepted. */
async function listen(handler: Handler) {
  const server = createServer(handler);
  servers.push(server);
  let connections = 0;
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, connections: () => connections };
}

const bodyOf = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
  });

/**
 * Runs `script` in a Node process of its own with `createNodeFetch` in scope (the module bundled to plain
 * JavaScript: Node 20 cannot run TypeScript); its exit code and trimmed output.
 */
async function inChild(script: string, env: Record<string, string> = {}) {
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL("../../src/client/node-fetch.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
  });
  const dir = await mkdtemp(join(tmpdir(), "node-fetch-"));
  await writeFile(join(dir, "node-fetch.mjs"), bundled.outputFiles[0]?.text ?? "");
  await writeFile(join(dir, "main.mjs"), `import { createNodeFetch } from "./node-fetch.mjs";\n${script}\n`);
  const child = spawn(process.execPath, [join(dir, "main.mjs")], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  const code = await new Promise((resolve) => child.on("exit", resolve));
  await rm(dir, { recursive: true, force: true });
  return { code, out: out.trim() };
}

describe("createNodeFetch", () => {
  it("answers with status, headers (repeated ones kept) and body, sending the request's headers", async () => {
    let seen: IncomingMessage | undefined;
    const { url } = await listen((req, res) => {
      seen = req;
      res.setHeader("x-many", ["a", "b"]);
      res.writeHead(201, "Made", { "content-type": "application/json" }).end('{"ok":true}');
    });
    const response = await createNodeFetch()(`${url}/api/v2/thing?x=1`, { headers: { "X-Test": "yes" } });
    expect(response.status).toBe(201);
    expect(response.statusText).toBe("Made");
    expect(response.headers.get("x-many")).toBe("a, b");
    expect(await response.json()).toEqual({ ok: true });
    expect(seen?.url).toBe("/api/v2/thing?x=1");
    expect(seen?.headers["x-test"]).toBe("yes");
    expect(seen?.headers["accept-encoding"]).toBe("gzip, deflate, br");
  });

  it("sends a body with its length, and the method", async () => {
    let got: { method?: string; length?: string; body?: string } = {};
    const { url } = await listen(async (req, res) => {
      got = { method: req.method, length: req.headers["content-length"], body: String(await bodyOf(req)) };
      res.writeHead(200).end();
    });
    await createNodeFetch()(`${url}/x`, { method: "PUT", body: "héllo" });
    expect(got).toEqual({ method: "PUT", length: "6", body: "héllo" });
  });

  it("gives no body for HEAD, 204 and 304", async () => {
    const { url } = await listen((req, res) => {
      res.writeHead(req.url === "/head" ? 200 : Number(req.url?.slice(1))).end();
    });
    const send = createNodeFetch();
    for (const [path, method] of [
      ["/head", "HEAD"],
      ["/204", "GET"],
      ["/304", "GET"],
    ] as const) {
      expect((await send(`${url}${path}`, { method })).body).toBeNull();
    }
  });

  it("decodes gzip and br answers as fetch does", async () => {
    const text = JSON.stringify({ logs: "x".repeat(10_000) });
    const { url } = await listen((req, res) => {
      const br = req.url === "/br";
      res.writeHead(200, { "content-encoding": br ? "br" : "gzip" });
      res.end(br ? brotliCompressSync(text) : gzipSync(text));
    });
    const send = createNodeFetch();
    expect(await (await send(`${url}/gz`)).text()).toBe(text);
    expect(await (await send(`${url}/br`)).text()).toBe(text);
  });

  it("returns a redirect instead of following it", async () => {
    const { url } = await listen((_req, res) =>
      res.writeHead(307, { location: "http://elsewhere.test/" }).end(),
    );
    const response = await createNodeFetch()(`${url}/x`, { redirect: "manual" });
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe("http://elsewhere.test/");
  });

  it("closes the connection when the reader cancels the body", async () => {
    let closed: () => void = () => {};
    const socketClosed = new Promise<void>((r) => {
      closed = r;
    });
    const { url } = await listen((_req, res) => {
      res.socket?.on("close", closed);
      res.writeHead(200).write("first part, and the rest never comes");
    });
    const response = await createNodeFetch()(`${url}/x`);
    await response.body?.cancel();
    await socketClosed; // a connection left open (and paused) would hold this until the test's timeout
  });

  it("keeps one connection for requests in a row", async () => {
    const server = await listen((_req, res) => res.writeHead(200).end("{}"));
    const send = createNodeFetch();
    for (let i = 0; i < 3; i++) await (await send(`${server.url}/x`)).text();
    expect(server.connections()).toBe(1);
  });

  it("rejects as fetch does on a refused connection: TypeError with the socket error as cause", async () => {
    const { url } = await listen(() => {});
    servers[0]?.close();
    await new Promise((r) => servers.pop()?.on("close", r));
    const failure = await createNodeFetch()(`${url}/x`).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TypeError);
    expect(toConnectionError(failure, url).reason).toBe("refused");
  });

  it("tries a port the Fetch standard blocks, where fetch refuses it without trying", async () => {
    const url = "http://127.0.0.1:1"; // on the "bad port" list; nothing listens there
    const ours = await createNodeFetch()(`${url}/x`).catch((e: unknown) => e);
    expect(toConnectionError(ours, url).reason).toBe("refused");
    const theirs = await fetch(`${url}/x`).catch((e: unknown) => e);
    expect(toConnectionError(theirs, url).message).toContain("fetch refuses to connect to port 1");
  });

  it("rejects with the signal's reason on an abort before the answer", async () => {
    let arrived: () => void = () => {};
    const request = new Promise<void>((r) => {
      arrived = r;
    });
    const { url } = await listen(() => arrived()); // never answers
    const controller = new AbortController();
    const pending = createNodeFetch()(`${url}/x`, { signal: controller.signal });
    await request;
    const reason = new Error("stop");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it("errors the body when the connection is cut mid-answer", async () => {
    const { url } = await listen((_req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("partial", () => res.socket?.destroy());
    });
    const response = await createNodeFetch()(`${url}/x`);
    const failure = await response.text().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(toConnectionError(failure, url).reason).toBe("reset");
  });

  it("lets a process end on its own with an idle keep-alive connection", async () => {
    const { url } = await listen((_req, res) => res.writeHead(200).end("{}"));
    // With a referenced idle socket the child never exits and the test runs into its timeout.
    const result = await inChild(`const r = await createNodeFetch()(${JSON.stringify(`${url}/x`)});
      console.log(await r.text());`);
    expect(result).toEqual({ code: 0, out: "{}" });
  });

  // Node 24.5+ sends its global agents' requests through HTTP_PROXY when NODE_USE_ENV_PROXY=1, as its fetch does.
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  it.skipIf(major < 24 || (major === 24 && minor < 5))(
    "goes through HTTP_PROXY where Node's proxy support is on (NODE_USE_ENV_PROXY=1, Node 24.5+)",
    async () => {
      const target = await listen((_req, res) => res.writeHead(200).end("from the target"));
      const proxied: string[] = [];
      const proxy = await listen((req, res) => {
        proxied.push(req.url ?? "");
        res.writeHead(200).end("from the proxy");
      });
      const result = await inChild(
        `const r = await createNodeFetch()(${JSON.stringify(`${target.url}/api/v2/buildinfo`)});
        console.log(await r.text());`,
        { NODE_USE_ENV_PROXY: "1", HTTP_PROXY: proxy.url, NO_PROXY: "" },
      );
      expect(result).toEqual({ code: 0, out: "from the proxy" });
      expect(proxied).toEqual([`${target.url}/api/v2/buildinfo`]);
    },
  );
});
