// `pnpm test:real`: runs the real-server suite against the Coder named by CODER_URL, as the owner whose token is
// CODER_SESSION_TOKEN. It only runs with SPT_REAL_OPT_IN=yes, names everything it makes with one new prefix
// (sptr-<6 hex>-), and deletes what carries that prefix when the suite ends: passed, failed or interrupted.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { sweep } from "./sweep.mjs";

const env = process.env;
const say = (line) => process.stderr.write(`${line}\n`);

if (!env.CODER_URL || !env.CODER_SESSION_TOKEN) {
  say("real-Coder suite skipped: no Coder given (set CODER_URL and CODER_SESSION_TOKEN, an owner's token)");
  process.exit(0);
}
if (env.SPT_REAL_OPT_IN !== "yes") {
  say(
    `The real-Coder suite creates, builds and deletes templates and workspaces on ${env.CODER_URL}, all named`,
  );
  say("sptr-<6 hex>-…, and deletes them again when it ends. Nothing else is touched. To agree, run:");
  say("  SPT_REAL_OPT_IN=yes pnpm test:real");
  process.exit(2);
}
if (!env.SPT_REAL_AGENT_BINARY) {
  say("The test templates start the coder binary as their workspace's agent, on the provisioner's host.");
  say("Say where it is there: SPT_REAL_AGENT_BINARY=/usr/local/bin/coder pnpm test:real");
  process.exit(2);
}

const prefix = `sptr-${randomBytes(3).toString("hex")}-`;
say(`real-Coder suite: ${env.CODER_URL}, prefix ${prefix}`);
const root = fileURLToPath(new URL("../..", import.meta.url));
const vitest = fileURLToPath(new URL("../../node_modules/vitest/vitest.mjs", import.meta.url));
const child = spawn(
  process.execPath,
  [vitest, "run", "--config", "vitest.real.config.ts", ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...env, SPT_REAL_PREFIX: prefix },
  },
);
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    interrupted = true;
    child.kill(signal);
  });
}
const code = await new Promise((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
say(`sweeping ${prefix}* ...`);
const { left } = await sweep(env.CODER_URL, env.CODER_SESSION_TOKEN, prefix, say);
if (left.length) say(`NOT deleted (remove by hand): ${left.join(", ")}`);
process.exit(interrupted ? 130 : left.length ? code || 1 : code);
