import { symlink, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packTemplate, TemplateArchiveError } from "../../src/archive/index.js";
import { makeTree } from "./helpers.js";

const variablesOf = async (spec: Record<string, string>) =>
  (await packTemplate(await makeTree({ "main.tf": "", ...spec }))).variables;

async function variablesError(spec: Record<string, string>): Promise<TemplateArchiveError> {
  const error = await variablesOf(spec).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TemplateArchiveError);
  return error as TemplateArchiveError;
}

describe("oversized variables files", () => {
  it("refuses a 300 MB terraform.tfvars before reading it", async () => {
    const dir = await makeTree({ "main.tf": "" });
    // Sparse: 300 MB long, nothing on disk. Reading it whole would take 300 MB of memory and a long parse.
    await writeFile(join(dir, "terraform.tfvars"), "");
    await truncate(join(dir, "terraform.tfvars"), 300_000_000);
    const error = await packTemplate(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateArchiveError);
    expect((error as Error).message).toBe(
      `The variables file "terraform.tfvars" in ${dir} is 286.1 MiB; variables files larger than 1 MiB are not read. Move it out of the template folder`,
    );
    expect(error).toMatchObject({ path: "terraform.tfvars", variablesFile: true });
  });

  it("still reads one of exactly 1 MiB", async () => {
    const line = 'a = "x"\n';
    const text = line + " ".repeat(1_048_576 - line.length);
    expect(await variablesOf({ "terraform.tfvars": text })).toEqual([{ name: "a", value: "x" }]);
  });
});

describe("HCL tfvars", () => {
  it("converts strings, numbers, bools and lists of strings, sorted by name", async () => {
    const hcl = [
      'region = "eu-west"',
      "count = 42",
      "ratio = 1.5",
      "neg = -3",
      "exp = 1e3",
      "big = 1e21",
      "enabled = true",
      'zones = ["a", "b"]',
      "empty = []",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL interpolation, not a JS template
      'joined = "a${"b"}"',
      'escaped = "$${not.interpolated} %%{x}"',
      "doc = <<EOT\nline\nEOT\n",
    ].join("\n");
    expect(await variablesOf({ "terraform.tfvars": hcl })).toEqual([
      { name: "big", value: "1000000000000000000000" },
      { name: "count", value: "42" },
      { name: "doc", value: "line\n" },
      { name: "empty", value: "[]" },
      { name: "enabled", value: "true" },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text HCL's $${ escape stands for
      { name: "escaped", value: "${not.interpolated} %{x}" },
      { name: "exp", value: "1000" },
      { name: "joined", value: "ab" },
      { name: "neg", value: "-3" },
      { name: "ratio", value: "1.5" },
      { name: "region", value: "eu-west" },
      { name: "zones", value: '["a","b"]' },
    ]);
  });

  it.each([
    ["an object", "x = { a = 1 }", /Variable "x" in terraform.tfvars has an unsupported type/],
    ["null", "x = null", /Variable "x" in terraform.tfvars has an unsupported type \(null\)/],
    ["a mixed list", 'x = ["a", 1]', /Variable "x" .* list with an item that is not a literal string/],
    ["a variable reference", "x = var.y", /Variable "x" in terraform.tfvars is an expression/],
    ["a function call", 'x = upper("a")', /Variable "x" in terraform.tfvars is an expression/],
    ["a block", "x {\n a = 1\n}", /Variable "x" .* unsupported type \(a block/],
  ])("rejects %s, naming the variable", async (_what, hcl, message) => {
    const error = await variablesError({ "terraform.tfvars": hcl });
    expect(error.message).toMatch(message);
    expect(error.path).toBe("terraform.tfvars");
  });

  it("reports a syntax error with the file name", async () => {
    const error = await variablesError({ "prod.auto.tfvars": "x = " });
    expect(error.message).toMatch(/^Cannot parse prod\.auto\.tfvars: .*prod\.auto\.tfvars:1/);
  });
});

describe("JSON tfvars", () => {
  it("keeps strings and bools as text and JSON-encodes the rest like Go", async () => {
    const json = JSON.stringify({
      s: "text",
      t: true,
      n: 1.5,
      i: 42,
      z: null,
      l: ["a", 1],
      o: { b: 1, a: "<&>", 10: "x", 9: "y" },
    });
    expect(await variablesOf({ "terraform.tfvars.json": json })).toEqual([
      { name: "i", value: "42" },
      { name: "l", value: '["a",1]' },
      { name: "n", value: "1.5" },
      { name: "o", value: '{"10":"x","9":"y","a":"\\u003c\\u0026\\u003e","b":1}' },
      { name: "s", value: "text" },
      { name: "t", value: "true" },
      { name: "z", value: "null" },
    ]);
  });

  it("needs a top-level object", async () => {
    expect((await variablesError({ "terraform.tfvars.json": "[1]" })).message).toMatch(
      /must hold a JSON object/,
    );
    expect((await variablesError({ "terraform.tfvars.json": "" })).message).toMatch(
      /^Cannot parse terraform.tfvars.json/,
    );
  });
});

describe("merging", () => {
  it("lets later files win: terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) by name", async () => {
    const variables = await variablesOf({
      "terraform.tfvars": 'a = "tfvars"\nb = "tfvars"\nc = "tfvars"\nd = "tfvars"\ne = "tfvars"',
      "terraform.tfvars.json": '{"b": "json", "c": "json", "d": "json", "e": "json"}',
      "a.auto.tfvars": 'c = "a.auto"\nd = "a.auto"\ne = "a.auto"',
      "b.auto.tfvars.json": '{"d": "b.auto.json", "e": "b.auto.json"}',
      "c.auto.tfvars": 'e = "c.auto"',
    });
    expect(variables).toEqual([
      { name: "a", value: "tfvars" },
      { name: "b", value: "json" },
      { name: "c", value: "a.auto" },
      { name: "d", value: "b.auto.json" },
      { name: "e", value: "c.auto" },
    ]);
  });

  it("leaves the variables files out of the archive", async () => {
    const dir = await makeTree({ "main.tf": "", "terraform.tfvars": 'a = "1"', "x.auto.tfvars.json": "{}" });
    expect((await packTemplate(dir)).files).toEqual(["main.tf"]);
  });

  it("applies the symlink policy to variables files", async () => {
    const outside = await makeTree({ "shared.tfvars": 'a = "outside"' });
    const dir = await makeTree({ "main.tf": "", "real.tfvars": 'b = "inside"' });
    await symlink(join(outside, "shared.tfvars"), join(dir, "terraform.tfvars"));
    await symlink("real.tfvars", join(dir, "x.auto.tfvars"));
    const skipped = await packTemplate(dir);
    expect(skipped.variables).toEqual([]);
    expect(skipped.warnings).toContain(
      'Ignored variables file "x.auto.tfvars": it is a symlink (pass followSymlinks: true to read it)',
    );
    const followed = await packTemplate(dir, { followSymlinks: true });
    expect(followed.variables).toEqual([{ name: "b", value: "inside" }]);
    expect(followed.warnings).toContain(
      'Ignored variables file "terraform.tfvars": it is a symlink that is broken or points outside the template folder',
    );
  });
});
