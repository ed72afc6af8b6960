import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerEndpoint, localCoderArgs, probeDocker, shellCommand } from "../src/docker.js";
import { run } from "./helpers.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "spt-cli-docker-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("dockerEndpoint", () => {
  it("reads DOCKER_HOST and defaults to the standard socket", () => {
    expect(dockerEndpoint({})).toMatchObject({ kind: "unix", socketPath: "/var/run/docker.sock" });
    expect(dockerEndpoint({ DOCKER_HOST: "unix:///run/user/1000/docker.sock" })).toMatchObject({
      kind: "unix",
      socketPath: "/run/user/1000/docker.sock",
    });
    expect(dockerEndpoint({ DOCKER_HOST: "tcp://10.0.0.2:2376" })).toMatchObject({
      kind: "tcp",
      host: "10.0.0.2",
      port: 2376,
    });
    expect(dockerEndpoint({ DOCKER_HOST: "ssh://me@host" }).kind).toBe("unsupported");
  });
});

describe("probeDocker", () => {
  it("reports a missing socket", async () => {
    const probe = await probeDocker({ kind: "unix", socketPath: join(dir, "none.sock"), display: "x" });
    expect(probe).toEqual({
      reachable: false,
      endpoint: "x",
      reason: expect.stringMatching(/no Docker socket/),
    });
  });

  it("asks /_ping and accepts an engine that answers OK", async () => {
    const socketPath = join(dir, "engine.sock");
    const server: Server = createServer((req, res) => {
      res.writeHead(req.url === "/_ping" ? 200 : 404).end("OK");
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      expect(await probeDocker({ kind: "unix", socketPath, display: "sock" })).toEqual({
        reachable: true,
        endpoint: "sock",
      });
    } finally {
      server.close();
    }
  });
});

describe("the docker run command", () => {
  it("publishes the port, shares the socket with its group, and keeps data in a volume", () => {
    const args = localCoderArgs({
      port: 7080,
      image: "ghcr.io/coder/coder:latest",
      name: "spt-coder-server",
      dockerGroup: 998,
      socketPath: "/var/run/docker.sock",
    });
    expect(shellCommand(args)).toBe(
      [
        "docker \\",
        "  run \\",
        "  -d \\",
        "  --name spt-coder-server \\",
        "  --restart unless-stopped \\",
        "  -p 7080:7080 \\",
        "  -e CODER_HTTP_ADDRESS=0.0.0.0:7080 \\",
        "  -e CODER_ACCESS_URL=http://localhost:7080 \\",
        "  -v spt-coder-server-data:/home/coder/.config \\",
        "  -v /var/run/docker.sock:/var/run/docker.sock \\",
        "  --group-add 998 \\",
        "  ghcr.io/coder/coder:latest",
        "",
      ].join("\n"),
    );
  });
});

describe("spt-coder server without Docker", () => {
  const env = () => ({ DOCKER_HOST: `unix://${join(dir, "absent.sock")}` });

  it("says Docker is missing and what to install, and still prints the command on stdout", async () => {
    const { code, stdout, stderr } = await run(["server", "--port", "7081"], { env: env() });
    expect(code).toBe(0);
    expect(stderr).toMatch(/No Docker engine is reachable at unix:\/\/.*absent\.sock/);
    expect(stderr).toContain("https://docs.docker.com/engine/install/");
    expect(stdout).toMatch(/^docker \\\n {2}run \\\n/);
    expect(stdout).toContain("-p 7081:7080");
    expect(stdout).toContain("$(stat -c %g");
  });

  it("refuses --start, with exit 1 and a suggestion", async () => {
    let spawned = false;
    const { code, stderr } = await run(["server", "--start"], {
      env: env(),
      spawn: async () => {
        spawned = true;
        return { code: 0, stdout: "" };
      },
    });
    expect(code).toBe(1);
    expect(spawned).toBe(false);
    expect(stderr).toMatch(/error: Cannot start a local Coder without a Docker engine/);
    expect(stderr).toMatch(/Suggestion: Install and start Docker/);
  });

  it("prints one JSON document with -o json", async () => {
    const { code, stdout } = await run(["server", "-o", "json"], { env: env() });
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.docker.reachable).toBe(false);
    expect(doc.command[0]).toBe("docker");
    expect(doc.url).toBe("http://localhost:7080");
  });
});

describe("spt-coder server with an engine", () => {
  it("runs docker and waits for /healthz", async () => {
    const socketPath = join(dir, "engine2.sock");
    const engine = createServer((_req, res) => res.writeHead(200).end("OK"));
    await new Promise<void>((resolve) => engine.listen(socketPath, resolve));
    const coder = createServer((req, res) => res.writeHead(req.url === "/healthz" ? 200 : 404).end("OK"));
    await new Promise<void>((resolve) => coder.listen(0, "127.0.0.1", resolve));
    const port = (coder.address() as { port: number }).port;
    const calls: string[][] = [];
    try {
      const { code, stdout, stderr } = await run(["server", "--start", "--port", String(port)], {
        env: { DOCKER_HOST: `unix://${socketPath}` },
        spawn: async (command, args) => {
          calls.push([command, ...args]);
          return { code: 0, stdout: "abc123\n" };
        },
      });
      expect(code).toBe(0);
      expect(calls[0]?.slice(0, 3)).toEqual(["docker", "run", "-d"]);
      expect(stdout).toBe(`http://localhost:${port}\n`);
      expect(stderr).toContain("A Docker engine answers");
      expect(stderr).toContain(`spt-coder login http://localhost:${port}`);
    } finally {
      engine.close();
      coder.close();
    }
  });
});
