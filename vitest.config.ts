import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources; the built packages are exercised by the e2e tests.
    // `@spt-coder/fake-coder` is both of its published entries at once (tests/support/fake-coder-all.ts).
    alias: [
      { find: /^@spt-coder\/sdk$/, replacement: src("./packages/sdk/src/index.ts") },
      { find: /^@spt-coder\/fake-coder$/, replacement: src("./tests/support/fake-coder-all.ts") },
      { find: /^@spt-coder\/fake-coder\/msw$/, replacement: src("./packages/fake-coder/src/msw.ts") },
    ],
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "tests/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
    // vitest's default is one worker fewer than the CPUs: one file at a time on a 2-core machine. Most files
    // spend their time waiting (on the fake's step timers, on loopback sockets, on spawned processes), so one
    // more worker than CPUs keeps both cores busy; SPT_TEST_WORKERS overrides it.
    maxWorkers: Number(process.env.SPT_TEST_WORKERS) || availableParallelism() + 1,
    // Every response the fake Coder sends is validated against openapi/coder.yaml; a test that caused a
    // response outside the contract fails.
    setupFiles: ["tests/support/fake-contract-hook.ts"],
  },
});
