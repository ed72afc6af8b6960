import { stat } from "node:fs/promises";
import { request } from "node:http";

/** Where the Docker engine listens: `DOCKER_HOST` (`unix://…` or `tcp://host:port`), else the default socket. */
export type DockerEndpoint =
  | { kind: "unix"; socketPath: string; display: string }
  | { kind: "tcp"; host: string; port: number; display: string }
  | { kind: "unsupported"; display: string };

/** The default engine socket on Linux and macOS (Docker Desktop links it too). */
export const DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";

/** Reads `DOCKER_HOST` the way the docker CLI does, for the cases spt-coder can probe. */
export function dockerEndpoint(env: Readonly<Record<string, string | undefined>>): DockerEndpoint {
  const host = env.DOCKER_HOST?.trim();
  if (!host)
    return { kind: "unix", socketPath: DEFAULT_DOCKER_SOCKET, display: `unix://${DEFAULT_DOCKER_SOCKET}` };
  if (host.startsWith("unix://"))
    return { kind: "unix", socketPath: host.slice("unix://".length), display: host };
  if (host.startsWith("tcp://")) {
    const url = new URL(host.replace(/^tcp:/, "http:"));
    return { kind: "tcp", host: url.hostname, port: Number(url.port || 2375), display: host };
  }
  return { kind: "unsupported", display: host };
}

/** The outcome of {@link probeDocker}. */
export type DockerProbe =
  | { reachable: true; endpoint: string }
  | { reachable: false; endpoint: string; reason: string };

/**
 * Asks the engine `GET /_ping` (the call `docker info` starts with). "Reachable" means an engine answered, not
 * merely that a socket file exists.
 */
export function probeDocker(endpoint: DockerEndpoint, timeoutMs = 2000): Promise<DockerProbe> {
  if (endpoint.kind === "unsupported") {
    return Promise.resolve({
      reachable: false,
      endpoint: endpoint.display,
      reason: "this DOCKER_HOST scheme is not supported by spt-coder's probe (use unix:// or tcp://)",
    });
  }
  const target =
    endpoint.kind === "unix"
      ? { socketPath: endpoint.socketPath }
      : { host: endpoint.host, port: endpoint.port };
  return new Promise((resolve) => {
    const done = (result: DockerProbe) => {
      req.destroy();
      resolve(result);
    };
    const req = request({ ...target, path: "/_ping", method: "GET", timeout: timeoutMs }, (res) => {
      res.resume();
      done(
        res.statusCode === 200
          ? { reachable: true, endpoint: endpoint.display }
          : {
              reachable: false,
              endpoint: endpoint.display,
              reason: `the engine answered HTTP ${res.statusCode}`,
            },
      );
    });
    req.on("timeout", () =>
      done({ reachable: false, endpoint: endpoint.display, reason: "no answer in time" }),
    );
    req.on("error", (error: NodeJS.ErrnoException) =>
      done({ reachable: false, endpoint: endpoint.display, reason: socketReason(error) }),
    );
    req.end();
  });
}

function socketReason(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ENOENT":
      return "there is no Docker socket (is Docker installed and running?)";
    case "EACCES":
      return "permission denied on the Docker socket (add yourself to the docker group, then log in again)";
    case "ECONNREFUSED":
      return "the connection was refused (is the Docker daemon running?)";
    default:
      return error.code ? `${error.code}: ${error.message}` : error.message;
  }
}

/** The group that owns the socket: the container needs it (`--group-add`) to drive Docker for workspaces. */
export async function socketGroup(socketPath: string): Promise<number | undefined> {
  try {
    return (await stat(socketPath)).gid;
  } catch {
    return undefined;
  }
}

/** Settings of the local Coder container. */
export interface LocalCoderOptions {
  port: number;
  image: string;
  name: string;
  /** The docker socket's group id; a shell expression is printed when unknown. */
  dockerGroup: number | undefined;
  socketPath: string;
}

/**
 * `docker run` arguments for a local Coder, after Coder's Docker install guide: the built-in database (data in a
 * named volume), the host's Docker socket so templates can create workspace containers, and the access URL on
 * localhost (templates rewrite it to host.docker.internal for agents).
 */
export function localCoderArgs(options: LocalCoderOptions): string[] {
  const url = `http://localhost:${options.port}`;
  return [
    "run",
    "-d",
    "--name",
    options.name,
    "--restart",
    "unless-stopped",
    "-p",
    `${options.port}:7080`,
    "-e",
    "CODER_HTTP_ADDRESS=0.0.0.0:7080",
    "-e",
    `CODER_ACCESS_URL=${url}`,
    "-v",
    `${options.name}-data:/home/coder/.config`,
    "-v",
    `${options.socketPath}:/var/run/docker.sock`,
    "--group-add",
    options.dockerGroup === undefined ? `$(stat -c %g ${options.socketPath})` : String(options.dockerGroup),
    options.image,
  ];
}

/** The arguments as one copy-pasteable shell command, one option per line. */
export function shellCommand(args: readonly string[]): string {
  const quote = (arg: string) =>
    /^[\w@%+=:,./-]+$/.test(arg) || arg.startsWith("$(") ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
  const parts: string[] = ["docker"];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const next = args[i + 1];
    if (arg.startsWith("-") && next !== undefined && !next.startsWith("-") && i < args.length - 2) {
      parts.push(`${quote(arg)} ${quote(next)}`);
      i++;
    } else {
      parts.push(quote(arg));
    }
  }
  return `${parts.join(" \\\n  ")}\n`;
}
