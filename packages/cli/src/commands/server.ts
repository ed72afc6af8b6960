import { spawn } from "node:child_process";
import { type Ctx, defineCommand, type SpawnFn } from "../command.js";
import { dockerEndpoint, localCoderArgs, probeDocker, shellCommand, socketGroup } from "../docker.js";
import { CliError, UsageError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { renderJson } from "../ui/table.js";
import { outputArg } from "./shared.js";

interface ServerArgs {
  start: boolean;
  port: number;
  image: string;
  "container-name": string;
  timeout: number;
  output: "text" | "json";
}

const INSTALL_HELP = [
  "To run Coder locally, install a Docker engine first:",
  "  Linux:          https://docs.docker.com/engine/install/  (then: sudo usermod -aG docker $USER, and log in again)",
  "  macOS, Windows: Docker Desktop, https://docs.docker.com/desktop/",
  "Then run `spt-coder server --start`, or the command printed on stdout.",
].join("\n");

/**
 * `spt-coder server`: the "no Coder yet" branch. Says whether a Docker engine answers, prints the exact
 * `docker run` that starts a local Coder (on stdout: it is the data), and with `--start` runs it and waits for
 * `/healthz`.
 */
export const serverCommand = defineCommand<ServerArgs>({
  command: "server",
  describe: "Check for Docker and print (or, with --start, run) the command that starts a local Coder",
  args: {
    start: { type: "boolean", default: false, describe: "Run the container and wait until Coder is healthy" },
    port: { type: "number", default: 7080, describe: "Port on this machine" },
    image: { type: "string", default: "ghcr.io/coder/coder:latest", describe: "Coder image" },
    "container-name": {
      type: "string",
      default: "spt-coder-server",
      describe: "Container (and volume) name",
    },
    timeout: { type: "number", default: 180, describe: "Seconds to wait for /healthz with --start" },
    ...outputArg(["text", "json"]),
  },
  async handler(args, ctx) {
    // yargs turns "abc" into NaN and takes 99999 as it is; Docker would fail later with a less clear message.
    if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535) {
      throw new UsageError(`--port must be a whole number from 1 to 65535, e.g. --port 7080.`);
    }
    if (!Number.isFinite(args.timeout) || args.timeout <= 0) {
      throw new UsageError(`--timeout must be a positive number of seconds, e.g. --timeout 180.`);
    }
    const endpoint = dockerEndpoint(ctx.env);
    const probe = await probeDocker(endpoint);
    const socketPath = endpoint.kind === "unix" ? endpoint.socketPath : "/var/run/docker.sock";
    const dockerArgs = localCoderArgs({
      port: args.port,
      image: args.image,
      name: args["container-name"],
      dockerGroup: endpoint.kind === "unix" ? await socketGroup(socketPath) : undefined,
      socketPath,
    });
    const url = `http://localhost:${args.port}`;
    const json = args.output === "json";
    if (probe.reachable) {
      ctx.stderr(`${ctx.colors.green("✔")} A Docker engine answers at ${probe.endpoint}.\n`);
    } else {
      ctx.stderr(
        `${ctx.colors.red("✘")} No Docker engine is reachable at ${probe.endpoint}: ${probe.reason}.\n`,
      );
      ctx.stderr(`${INSTALL_HELP}\n`);
    }
    if (!args.start) {
      if (json) {
        ctx.stdout(renderJson({ docker: probe, command: ["docker", ...dockerArgs], url }));
      } else {
        ctx.stderr(
          probe.reachable ? "Start a local Coder with:\n" : "The command that starts a local Coder:\n",
        );
        ctx.stdout(shellCommand(dockerArgs));
      }
      return;
    }
    if (!probe.reachable) {
      throw new CliError("Cannot start a local Coder without a Docker engine.", {
        exitCode: ExitCode.api,
        suggestion: "Install and start Docker (see above), then run `spt-coder server --start` again.",
      });
    }
    await startCoder(ctx, dockerArgs, args);
    if (json)
      ctx.stdout(renderJson({ docker: probe, command: ["docker", ...dockerArgs], url, healthy: true }));
    else ctx.stdout(`${url}\n`);
    ctx.stderr(`Coder is up at ${url}. Open it to create the first user, then run: spt-coder login ${url}\n`);
  },
});

async function startCoder(ctx: Ctx, dockerArgs: string[], args: ServerArgs): Promise<void> {
  const run = ctx.spawn ?? spawnInherit;
  ctx.stderr(`Running: docker ${dockerArgs.join(" ")}\n`);
  const { code } = await run("docker", dockerArgs).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(
      error.code === "ENOENT"
        ? "The docker command is not installed (the engine answers, but there is no CLI)."
        : error.message,
      { exitCode: ExitCode.api },
    );
  });
  if (code !== 0) {
    throw new CliError(`docker run exited with code ${code}.`, {
      exitCode: ExitCode.api,
      suggestion: `If the container already exists, start it with: docker start ${args["container-name"]}`,
    });
  }
  const healthz = `http://localhost:${args.port}/healthz`;
  const deadline = Date.now() + args.timeout * 1000;
  const lines = ctx.lines();
  lines.status(`Waiting for ${healthz}`);
  try {
    for (;;) {
      const ok = await fetch(healthz, { signal: AbortSignal.timeout(2000) })
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) return;
      if (Date.now() > deadline) {
        throw new CliError(`Coder did not answer ${healthz} within ${args.timeout}s.`, {
          exitCode: ExitCode.api,
          suggestion: `Look at its logs: docker logs ${args["container-name"]}`,
        });
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    lines.close();
  }
}

const spawnInherit: SpawnFn = (command, commandArgs) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout }));
  });
