import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.js";
import { parsePairs, readParamFile } from "../src/params.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "spt-cli-params-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("parsePairs", () => {
  it("splits on the first = and lets later values win", () => {
    expect(parsePairs("--param", ["a=1", "url=https://x/?q=1", "a=2", "empty="])).toEqual({
      a: "2",
      url: "https://x/?q=1",
      empty: "",
    });
  });
  it("rejects values without a name", () => {
    expect(() => parsePairs("--param", ["novalue"])).toThrow(UsageError);
    expect(() => parsePairs("--var", ["=x"])).toThrow(/--var: format name=value expected, but got "=x"/);
  });
});

describe("readParamFile", () => {
  it("reads YAML and JSON maps; lists become JSON arrays", async () => {
    const yamlFile = join(dir, "p.yaml");
    await writeFile(
      yamlFile,
      "cpu: 4\nrepo_url: https://github.com/o/r\ngpu: true\ntools:\n  - go\n  - rust\n",
    );
    expect(await readParamFile(yamlFile)).toEqual({
      cpu: "4",
      repo_url: "https://github.com/o/r",
      gpu: "true",
      tools: '["go","rust"]',
    });
    const jsonFile = join(dir, "p.json");
    await writeFile(jsonFile, JSON.stringify({ region: "eu", size: 10 }));
    expect(await readParamFile(jsonFile)).toEqual({ region: "eu", size: "10" });
  });
  it("names the file and the parameter when a value cannot be used", async () => {
    const file = join(dir, "bad.yaml");
    await writeFile(file, "nested:\n  a: 1\n");
    await expect(readParamFile(file)).rejects.toThrow(/parameter "nested" .* unsupported value \(object\)/);
    await expect(readParamFile(join(dir, "missing.yaml"))).rejects.toThrow(
      /cannot read .*: there is no such file\./,
    );
    await writeFile(file, "- a\n- b\n");
    await expect(readParamFile(file)).rejects.toThrow(/must be a map/);
  });
});
