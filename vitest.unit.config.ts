import { suite } from "./vitest.config.js";

/**
 * `pnpm test:unit`: the in-process tests, for running before every commit. Left out: the files that spawn our
 * own processes (the built CLI, the fake's bin; the hostile-server and race tests spawn it too), the template
 * tests of both variants (shell, rootfs, terraform) and the e2e set;
 * `pnpm test` runs everything, and CI runs that on Node 20 and 24.
 */
export const SPAWNING = [
  "tests/e2e/**",
  "tests/template/**",
  "tests/template-kubernetes/**",
  "tests/robustness/hostile-server.test.ts",
  "tests/robustness/race.test.ts",
  "tests/robustness/bad-input.test.ts",
  "tests/security/cli-secrets.test.ts",
  "packages/fake-coder/test/bin.test.ts",
];

export default suite(SPAWNING);
