import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BAD_IMAGES,
  BAD_REPO_URLS,
  BAD_SETUP_SCRIPTS,
  GOOD_IMAGES,
  GOOD_REPO_URLS,
  GOOD_SETUP_SCRIPTS,
  IMAGE_REFERENCE,
  REPO_FOLDERS,
} from "./helpers/samples.js";
import { announceSkip, block, findTool, loadTemplate, templateLocals } from "./helpers/template.js";

let repoUrlRegex: string;
let setupScriptRegex: string;
let locals: Record<string, unknown>;

beforeAll(async () => {
  const template = await loadTemplate();
  const regexOf = (name: string) =>
    String(block(block(template, "data", "coder_parameter", name), "validation").regex);
  repoUrlRegex = regexOf("repo_url");
  setupScriptRegex = regexOf("setup_script");
  locals = await templateLocals();
});

/** Strips the `${...}` that hcl2json puts around an expression. */
function expressionOf(local: string): string {
  const text = String(locals[local]);
  expect(text.startsWith("${") && text.endsWith("}"), `local.${local} is an expression`).toBe(true);
  return text.slice(2, -1);
}

// The patterns use only syntax that JavaScript and Go's RE2 read alike (no lookaround, no
// backreferences), so JavaScript can check the tables; Terraform below checks with RE2 itself.
describe("validation regexes, checked in JavaScript", () => {
  it.each(GOOD_REPO_URLS)("repo_url accepts %j", (url) => {
    expect(url).toMatch(new RegExp(repoUrlRegex));
  });
  it.each(BAD_REPO_URLS)("repo_url rejects %j", (url) => {
    expect(url).not.toMatch(new RegExp(repoUrlRegex));
  });
  it.each(GOOD_SETUP_SCRIPTS)("setup_script accepts %j", (path) => {
    expect(path).toMatch(new RegExp(setupScriptRegex));
  });
  it.each(BAD_SETUP_SCRIPTS)("setup_script rejects %j", (path) => {
    expect(path).not.toMatch(new RegExp(setupScriptRegex));
  });
  it("image references: the grammar the workspace_image options are checked against", () => {
    for (const image of GOOD_IMAGES) expect(image).toMatch(IMAGE_REFERENCE);
    for (const image of BAD_IMAGES) expect(image).not.toMatch(IMAGE_REFERENCE);
  });
  it.each(REPO_FOLDERS)("names the clone of %s %j", (url, folder) => {
    expect(new RegExp(String(locals.repo_name_pattern)).exec(url)?.[1]).toBe(folder);
  });
});

const terraform = findTool("terraform");
if (!terraform)
  announceSkip("the RE2 check of the template's regexes with terraform", "terraform is not on PATH");

// A configuration with no providers needs no downloads, so Terraform itself can evaluate the
// template's patterns and expressions offline.
describe.skipIf(!terraform)("validation regexes and expressions, evaluated by Terraform (Go RE2)", () => {
  let outputs: Record<string, { value: unknown }>;
  const missingPath = join(tmpdir(), "spt-flow-no-such-device");

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), "spt-flow-tf-"));
    try {
      const nameExpression = expressionOf("repo_name")
        .replace("local.repo_name_pattern", "var.name_pattern")
        .replace("data.coder_parameter.repo_url.value", "url");
      const kvmProbe = expressionOf("kvm_on_provisioner");
      expect(kvmProbe).toContain('"/dev/kvm"');
      // Visible although systemd's PrivateDevices=yes (or Compose) hides /dev/kvm.
      expect(kvmProbe).toContain('"/sys/class/misc/kvm/dev"');
      const probe = (sysfs: string, device: string) =>
        kvmProbe.replace('"/sys/class/misc/kvm/dev"', sysfs).replace('"/dev/kvm"', device);
      writeFileSync(
        join(dir, "main.tf"),
        [
          'variable "cases" { type = list(object({ pattern = string, value = string })) }',
          'variable "name_pattern" { type = string }',
          'variable "urls" { type = list(string) }',
          'variable "missing_path" { type = string }',
          'output "matches" { value = [for c in var.cases : can(regex(c.pattern, c.value))] }',
          `output "names" { value = [for url in var.urls : ${nameExpression}] }`,
          `output "probe_device" { value = ${probe("var.missing_path", '"/dev/null"')} }`,
          `output "probe_missing" { value = ${probe("var.missing_path", "var.missing_path")} }`,
          `output "probe_sysfs" { value = ${probe('format("%s/main.tf", path.module)', "var.missing_path")} }`,
          "",
        ].join("\n"),
      );
      const cases = [
        ...[...GOOD_REPO_URLS, ...BAD_REPO_URLS].map((value) => ({ pattern: repoUrlRegex, value })),
        ...[...GOOD_SETUP_SCRIPTS, ...BAD_SETUP_SCRIPTS].map((value) => ({
          pattern: setupScriptRegex,
          value,
        })),
      ];
      writeFileSync(
        join(dir, "terraform.tfvars.json"),
        JSON.stringify({
          cases,
          name_pattern: locals.repo_name_pattern,
          urls: REPO_FOLDERS.map(([url]) => url),
          missing_path: missingPath,
        }),
      );
      const env = {
        ...process.env,
        TF_IN_AUTOMATION: "1",
        CHECKPOINT_DISABLE: "1",
        TF_DATA_DIR: join(dir, ".tf"),
      };
      for (const args of [
        ["init", "-input=false", "-no-color"],
        ["apply", "-auto-approve", "-input=false", "-no-color"],
      ]) {
        const result = spawnSync(terraform!, args, { cwd: dir, env, encoding: "utf8", timeout: 120_000 });
        expect(result.status, `terraform ${args[0]}: ${result.stdout}${result.stderr}`).toBe(0);
      }
      const output = spawnSync(terraform!, ["output", "-json"], { cwd: dir, env, encoding: "utf8" });
      outputs = JSON.parse(output.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it("accepts and rejects the same samples as JavaScript", () => {
    const matches = outputs.matches!.value as boolean[];
    const expected = [
      ...GOOD_REPO_URLS.map(() => true),
      ...BAD_REPO_URLS.map(() => false),
      ...GOOD_SETUP_SCRIPTS.map(() => true),
      ...BAD_SETUP_SCRIPTS.map(() => false),
    ];
    const samples = [...GOOD_REPO_URLS, ...BAD_REPO_URLS, ...GOOD_SETUP_SCRIPTS, ...BAD_SETUP_SCRIPTS];
    const wrong = samples.filter((_, i) => matches[i] !== expected[i]);
    expect(wrong).toEqual([]);
  });

  it("derives the clone folder the way git clone names it", () => {
    expect(outputs.names!.value).toEqual(REPO_FOLDERS.map(([, folder]) => folder));
  });

  it("detects KVM through sysfs or a device node, and its absence", () => {
    expect(outputs.probe_device!.value).toBe(true);
    expect(outputs.probe_sysfs!.value).toBe(true);
    expect(outputs.probe_missing!.value).toBe(false);
  });
});
