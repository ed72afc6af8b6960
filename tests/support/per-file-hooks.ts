// Vitest setup file: the clean-up and checking hooks of shared test helpers. A helper that registered its hooks
// when first imported would only get them for the first file of a worker when files share their modules
// (`isolate: false` in vitest.config.ts); setup files run again for every file, so they are registered here.
import { afterAll, afterEach } from "vitest";
import { removeTempDirs } from "../../packages/sdk/test/archive/helpers.js";
import { scanAndRemoveHomes } from "../e2e/helpers.js";
import { removePrivateCli } from "../robustness/cli.js";

afterEach(removeTempDirs);
afterAll(async () => {
  await scanAndRemoveHomes();
  removePrivateCli();
});
