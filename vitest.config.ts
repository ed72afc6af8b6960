import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources; the built packages are exercised by the e2e tests.
    alias: {
      "@spt-coder/sdk": src("./packages/sdk/src/index.ts"),
      "@spt-coder/fake-coder": src("./packages/fake-coder/src/index.ts"),
    },
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "tests/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
    // Every response the fake Coder sends is validated against openapi/coder.yaml; a test that caused a
    // response outside the contract fails.
    setupFiles: ["tests/support/fake-contract-hook.ts"],
  },
});
