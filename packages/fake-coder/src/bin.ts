#!/usr/bin/env node
/**
 * `fake-coder`: runs the fake Coder standalone on loopback and prints how to reach it.
 *   fake-coder [--port N] [--step-delay-ms N] [--rate-limit N] [--provisioners N] [--json]
 */
import { parseArgs } from "node:util";
import { startFakeCoder } from "./server.js";

const USAGE =
  "Usage: fake-coder [--port N] [--step-delay-ms N] [--rate-limit N] [--provisioners N] [--json]\n";

function parse() {
  try {
    return parseArgs({
      options: {
        port: { type: "string" },
        "step-delay-ms": { type: "string" },
        "rate-limit": { type: "string" },
        provisioners: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (err) {
    process.stderr.write(`fake-coder: ${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const values = parse();

if (values.help) {
  process.stdout.write(
    `${USAGE}Runs an in-memory fake Coder on 127.0.0.1 and prints CODER_URL and CODER_SESSION_TOKEN.\n`,
  );
  process.exit(0);
}

function integer(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) {
    process.stderr.write(`fake-coder: --${name} must be a non-negative integer, got "${raw}"\n`);
    process.exit(2);
  }
  return Number(raw);
}

const port = integer("port", values.port);
const stepDelayMs = integer("step-delay-ms", values["step-delay-ms"]) ?? 250;
const rateLimit = integer("rate-limit", values["rate-limit"]);
const provisioners = integer("provisioners", values.provisioners);

// Handlers first: a signal that arrives while starting must still close cleanly.
let close: () => Promise<void> = async () => {};
const stop = () => {
  void close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

if (port !== undefined && port > 65535) {
  process.stderr.write(`fake-coder: --port must be 0 to 65535, got ${port}\n`);
  process.exit(2);
}

const fake = await startFakeCoder({
  stepDelayMs,
  ...(port !== undefined ? { port } : {}),
  ...(rateLimit !== undefined ? { rateLimit: { limit: rateLimit } } : {}),
  ...(provisioners !== undefined ? { provisioners } : {}),
}).catch((err: NodeJS.ErrnoException) => {
  // A taken or forbidden port is the user's to change: one line, no stack trace.
  const why =
    err.code === "EADDRINUSE"
      ? `port ${port} on 127.0.0.1 is already in use; pick another with --port N, or --port 0 for a free one`
      : err.code === "EACCES"
        ? `not allowed to listen on port ${port}; pick a port above 1023, or --port 0 for a free one`
        : undefined;
  if (!why) throw err;
  process.stderr.write(`fake-coder: ${why}\n`);
  process.exit(2);
});

process.stdout.write(
  values.json
    ? `${JSON.stringify({ url: fake.url, token: fake.token })}\n`
    : `CODER_URL=${fake.url}\nCODER_SESSION_TOKEN=${fake.token}\n`,
);

close = () => fake.close();
