import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

const INCLUDE = ["packages/*/test/**/*.test.ts", "tests/**/*.test.ts"];
/**
 * Files that replace modules (`vi.mock` of node:fs) or the environment for their own run: they get a fresh
 * module graph. Every other file shares its worker's modules with the files before it (`isolate: false`), so the
 * SDK and fake sources, the HCL parser's wasm and the contract validator load once per worker instead of once
 * per file. Helpers must therefore not register hooks when imported (that happens once per worker): their
 * hooks live in tests/support/per-file-hooks.ts, which runs for every file.
 */
const ISOLATED = ["packages/sdk/test/archive/never-read.test.ts", "packages/sdk/test/archive/pack.test.ts"];

/** The suite without the files matching `excluded` (vitest.unit.config.ts leaves out the slow ones). */
export function suite(excluded: readonly string[] = []) {
  return defineConfig({
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
      // Transformed modules are kept on disk (node_modules/.experimental-vitest-cache, keyed by their contents):
      // a second run skips about 5 s of CPU spent compiling TypeScript on a 2-core machine.
      experimental: { fsModuleCache: true },
      // A bound on a hang, not a measure of speed: on two cores shared with other work (a load of 20), tests that
      // take 1-2 s on an idle machine passed 20 s. A test or hook that needs more says so itself.
      testTimeout: 120_000,
      hookTimeout: 180_000,
      pool: "forks",
      // vitest's default is one worker fewer than the CPUs: one file at a time on a 2-core machine. Most files
      // spend their time waiting (on the fake's step timers, on loopback sockets, on spawned processes), so one
      // more worker than CPUs keeps both cores busy; SPT_TEST_WORKERS overrides it.
      maxWorkers: Number(process.env.SPT_TEST_WORKERS) || availableParallelism() + 1,
      // Every response the fake Coder sends is validated against openapi/coder.yaml; a test that caused a
      // response outside the contract fails.
      setupFiles: ["tests/support/fake-contract-hook.ts", "tests/support/per-file-hooks.ts"],
      // One temporary folder per run, removed at its end (tests/support/temp-root.ts).
      globalSetup: ["tests/support/temp-root.ts"],
      projects: [
        {
          extends: true,
          test: { name: "isolated", include: ISOLATED, exclude: [...excluded], isolate: true },
        },
        {
          extends: true,
          test: { name: "shared", include: INCLUDE, exclude: [...ISOLATED, ...excluded], isolate: false },
        },
      ],
    },
  });
}

export default suite();
