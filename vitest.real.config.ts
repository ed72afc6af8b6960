import { suite } from "./vitest.config.js";

/**
 * `pnpm test:real` (through tests/real/run.mjs): the scenarios against a real Coder, one at a time (they share
 * one server and its provisioner daemons), each within its own time budget. The fake's contract hook is left
 * out: these answers come from Coder itself.
 */
const config = suite();
config.test = {
  ...config.test,
  projects: undefined,
  include: ["tests/real/real.test.ts"],
  setupFiles: [],
  maxWorkers: 1,
  fileParallelism: false,
  testTimeout: 600_000,
  hookTimeout: 600_000,
};

export default config;
