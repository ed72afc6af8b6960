import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CONDITIONAL_TF, PRESETS_TF } from "../support/dynamic-templates.js";
import { addSecret, cliEnv, ensureBuilt, runCli, tempHome } from "./helpers.js";

let fake: RunningFakeCoder;
let home: string;
beforeAll(ensureBuilt, 180_000);
beforeEach(async () => {
  fake = await startFakeCoder({ stepDelayMs: 5 });
  addSecret(fake.token);
  home = await tempHome();
});
afterEach(async () => {
  await fake.close();
});

const env = () => cliEnv(home, { CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token });

async function templateDir(tf: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "spt-e2e-dynamic-"));
  await writeFile(join(dir, "main.tf"), tf);
  return dir;
}

function lastBuildValues() {
  const build = [...fake.state.builds.values()].at(-1);
  return Object.fromEntries((build?.parameters ?? []).map((p) => [p.name, p.value]));
}

describe("the built spt-coder against a dynamic-parameter template (the fake's default flow)", () => {
  it("provisions when the second parameter only exists because the first is set, and rejects a bad one (exit 2)", async () => {
    const dir = await templateDir(CONDITIONAL_TF);
    const base = ["up", "--template", "cond", "--template-dir", dir];
    const bad = await runCli([...base, "--name", "bad", "--param", "a=x", "--param", "b=Not Ok"], {
      env: env(),
    });
    expect(bad.code).toBe(2);
    const block = bad.stderr.slice(bad.stderr.indexOf("error:"));
    expect(block).toMatch(
      /^error: 1 parameter value was rejected before any build started:\n {2}b\n {4}Invalid parameter value/,
    );
    expect(block).toContain("    set with: --param b=<value>\n");
    const good = await runCli([...base, "--name", "good", "--param", "a=x", "--param", "b=y"], {
      env: env(),
    });
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/^Workspace good is running \(created\)\.$/m);
    expect(lastBuildValues()).toEqual({ a: "x", b: "y" });
  });

  it("gives a new workspace the default preset's values unless --preset none", async () => {
    const dir = await templateDir(PRESETS_TF);
    const base = ["up", "--template", "pre", "--template-dir", dir, "--no-wait"];
    expect((await runCli([...base, "--name", "one"], { env: env() })).code).toBe(0);
    expect(lastBuildValues()).toEqual({ region: "us", size: "small", disk: "20" });
    expect((await runCli([...base, "--name", "two", "--preset", "none"], { env: env() })).code).toBe(0);
    expect(lastBuildValues()).toEqual({ region: "eu", size: "small", disk: "20" });
  });
});
