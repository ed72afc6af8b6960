import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import { join, normalize } from "node:path";
import { promisify } from "node:util";
import { writeRepository } from "../template/harness/repository.js";

const run = promisify(execFile);

/** What the end-to-end run against a real stack needs, from the environment. */
export interface RealLab {
  /** The Docker daemon the template's provider talks to (the docker_socket variable), e.g. unix:///…/docker.sock. */
  dockerHost: string;
  /** A local apt-based image on that daemon (nothing can be pulled), e.g. one made with mmdebstrap + docker import. */
  image: string;
  url: string;
  token: string;
}

/** The variables that opt in; without all of them the suite is skipped with one line naming them. */
export const LAB_VARIABLES = [
  "SPT_REAL_DOCKER_HOST",
  "SPT_REAL_WORKSPACE_IMAGE",
  "CODER_URL",
  "CODER_SESSION_TOKEN",
];

export function labFromEnv(): RealLab | undefined {
  const [dockerHost, image, url, token] = LAB_VARIABLES.map((name) => process.env[name]);
  if (!dockerHost || !image || !url || !token) return undefined;
  return { dockerHost, image, url: url.replace(/\/+$/, ""), token };
}

/** The docker CLI against the lab's daemon. */
export async function docker(lab: RealLab, ...args: string[]): Promise<string> {
  const { stdout } = await run("docker", args, {
    env: { ...process.env, DOCKER_HOST: lab.dockerHost },
    maxBuffer: 16 << 20,
  });
  return stdout.trim();
}

/** A request to Coder's API as the lab's owner; the parsed JSON answer. */
export async function api<T>(lab: RealLab, path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${lab.url}/api/v2${path}`, {
    ...init,
    headers: { "Coder-Session-Token": lab.token, "Content-Type": "application/json" },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * The Turbo Flow stand-in repository (the template harness's fixture: its setup script leaves claude, the agents
 * and the aliases) served over git's dumb HTTP on loopback, with TLS: the repo_url parameter accepts https only.
 * The certificate is for 127.0.0.1; `ca` is its PEM, which the workspace image must trust.
 */
export interface GitServer {
  url: string;
  ca: string;
  close(): Promise<void>;
}

export async function serveRepository(dir: string): Promise<GitServer> {
  const repo = writeRepository(dir);
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      key,
      "-out",
      cert,
    ],
    { stdio: "ignore" },
  );
  const server: Server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "https://x").pathname));
    readFile(join(dir, path)).then(
      (body) => res.end(body),
      () => {
        res.statusCode = 404;
        res.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `https://127.0.0.1:${port}/${repo}`,
    ca: readFileSync(cert, "utf8"),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * `image` plus the CA of the loopback git server, committed as `tag`: what an organisation's own image with its
 * own CA is. Built with a container on the host network (never a bridge) and docker commit: nothing is pulled.
 */
export async function imageTrusting(lab: RealLab, tag: string, caDir: string): Promise<void> {
  const name = `${tag.replace(/[^a-z0-9]+/g, "-")}-ca`;
  await docker(
    lab,
    "create",
    "--name",
    name,
    "--network",
    "host",
    "-v",
    `${caDir}:/ca:ro`,
    lab.image,
    "sh",
    "-c",
    "cp /ca/cert.pem /usr/local/share/ca-certificates/spt-e2e.crt && update-ca-certificates >/dev/null",
  );
  try {
    await docker(lab, "start", "-a", name);
    await docker(lab, "commit", name, tag);
  } finally {
    await docker(lab, "rm", "-f", name);
  }
}
