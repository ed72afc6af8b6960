/**
 * The `spt-coder` executable. Kept tiny: `--version` and the top-level `--help` answer without loading anything
 * else; every other run loads main.js (yargs and the command list) and the SDK only once a command needs it.
 */
import { readFileSync } from "node:fs";
import nodeModule from "node:module";
import { VERSION } from "./version.js";

const args = process.argv.slice(2);
const help = args.length === 1 && (args[0] === "--help" || args[0] === "-h") ? prerenderedHelp() : undefined;
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`spt-coder needs Node.js 20.19 or newer (this is ${process.versions.node}).\n`);
  process.exitCode = 1;
} else if (args.length === 1 && args[0] === "--version") {
  process.stdout.write(`${VERSION}\n`);
} else if (help !== undefined) {
  process.stdout.write(help);
} else {
  // Node 22.1+ keeps the compiled chunks in its compile cache (in the temporary folder; NODE_DISABLE_COMPILE_CACHE=1
  // turns it off), so later runs skip compiling ~460 kB: a warm `up` on Node 24 ends ~12 ms sooner. Node 20 has none.
  (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  const { main, processIo, exitWhenWritten } = await import("./main.js");
  // A reader that goes away (`| head`) is no reason to crash with EPIPE: what is left is simply not read.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});
  const code = await main(args, await processIo());
  process.exitCode = code;
  // Idle keep-alive sockets or a stray timer must not hold the exit, but only once the output is all written.
  await exitWhenWritten(code, [process.stdout, process.stderr], (c) => process.exit(c));
}

/**
 * The top-level help, rendered by yargs at build time (dist/help.txt) exactly as a pipe would get it. Undefined
 * when running from sources, or on a terminal narrower than the text: yargs renders it then.
 */
function prerenderedHelp(): string | undefined {
  let text: string;
  try {
    text = readFileSync(new URL("./help.txt", import.meta.url), "utf8");
  } catch {
    return undefined;
  }
  const widest = Math.max(...text.split("\n").map((line) => line.length));
  return process.stdout.isTTY && (process.stdout.columns ?? 80) < widest ? undefined : text;
}
