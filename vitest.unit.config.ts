import { suite } from "./vitest.config.js";

/**
 * `pnpm test:unit`: the in-process tests, for running before every commit. Left out: the files that spawn
 * processes (the built CLI, the fake's bin, which the hostile-server and race tests spawn too, and terraform
 * console checking the fake's expressions), the template tests of both variants (shell, rootfs, terraform), the
 * e2e set, and two matrices of whole flows: the fault
 * matrix (every step of `up` under every fault, 67 runs of the flow) and `fleet apply` at scale (50 workspaces,
 * then a run through faults), about a fifth of the CPU time the set takes with them (10 s of 49 s here);
 * `pnpm test` runs everything, and CI runs that on Node 20 and 24.
 */
export const SPAWNING = [
  "tests/e2e/**",
  "tests/template/**",
  "tests/template-kubernetes/**",
  "tests/robustness/hostile-server.test.ts",
  "tests/robustness/race.test.ts",
  "tests/robustness/exit.test.ts",
  "tests/robustness/bad-input.test.ts",
  "tests/security/cli-secrets.test.ts",
  "packages/fake-coder/test/bin.test.ts",
  "packages/fake-coder/test/expressions/terraform.test.ts",
];

/** Whole-flow matrices: in-process, but too long for the loop before a commit. */
export const MATRICES = ["tests/robustness/fault-matrix.test.ts", "packages/cli/test/fleet-scale.test.ts"];

/** The fake's own tests run against its loopback server only; `pnpm test` runs them on msw as well. */
const config = suite([...SPAWNING, ...MATRICES]);
config.test = { ...config.test, env: { ...config.test?.env, SPT_FAKE_MODES: "server" } };

export default config;
