import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { afterEach, describe, expect, it } from "vitest";
import { minimalTemplate } from "../../sdk/test/flows/helpers.js";
import { run } from "./helpers.js";

/** alpha has a size parameter and a default preset that sets it: a fleet item gets the preset's value. */
const ALPHA_PRESET = `
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
}
data "coder_workspace_preset" "classroom" {
  name    = "Classroom"
  default = true
  parameters = {
    size = "large"
  }
}
`;

/** A folder with two template folders and a declaration of `count` workspaces alternating between them. */
function declaration(count: number, extraTop = ""): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "spt-fleet-"));
  for (const [name, extra] of [
    ["alpha", ALPHA_PRESET],
    ["beta", 'resource "null_resource" "extra" {}'],
  ] as const) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, "main.tf"), minimalTemplate(extra));
  }
  const items = Array.from({ length: count }, (_, i) =>
    i % 2 ? `  - name: class-${i}\n    template: beta\n    template_dir: ./beta` : `  - name: class-${i}`,
  );
  const text = `name: class\ntemplate: alpha\ntemplate_dir: ./alpha\n${extraTop}workspaces:\n${items.join("\n")}\n`;
  const file = join(dir, "fleet.yaml");
  writeFileSync(file, text);
  return { dir, file };
}

interface JsonSummary {
  ok: boolean;
  counts: Record<string, number>;
  items: {
    name: string;
    outcome: string;
    error: { name: string; message: string } | null;
    exists: string[];
  }[];
  templates: { name: string; outcome: string }[];
  concurrency: { builds: number; source: string };
}

let fake: RunningFakeCoder | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function apply(file: string, ...extra: string[]) {
  if (!fake) throw new Error("no fake");
  const env = { CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token };
  const result = await run(["fleet", "apply", "-f", file, ...extra], { env });
  return { ...result, json: extra.includes("json") ? (JSON.parse(result.stdout) as JsonSummary) : undefined };
}

function liveNames(): string[] {
  return [...(fake?.state.workspaces.values() ?? [])].filter((w) => !w.deleted).map((w) => w.name);
}

describe("spt-coder fleet apply", () => {
  it("provisions 50 workspaces from two template folders, then reports all 50 reused", async () => {
    fake = await startFakeCoder({ stepDelayMs: 1, provisioners: 8 });
    const { file } = declaration(50);
    const first = await apply(file, "-o", "json");
    expect(first.stderr).not.toContain(fake.token);
    expect(first.code).toBe(0);
    expect(first.json?.counts).toMatchObject({ created: 50, failed: 0 });
    expect(first.json?.concurrency).toEqual(
      expect.objectContaining({ builds: 8, source: "provisioner-daemons" }),
    );
    expect(first.json?.templates.map((t) => [t.name, t.outcome]).sort()).toEqual([
      ["alpha", "pushed"],
      ["beta", "pushed"],
    ]);
    const imports = [...fake.state.jobs.values()].filter((j) => j.type === "template_version_import");
    expect(imports).toHaveLength(2);
    expect(new Set(liveNames()).size).toBe(50);
    // alpha's default preset applied to every alpha workspace (even names), none to beta's.
    const sizes = new Map<string, string | undefined>();
    for (const b of fake.state.builds.values()) {
      const ws = fake.state.workspaces.get(b.workspaceId);
      if (ws) sizes.set(ws.name, b.parameters.find((p) => p.name === "size")?.value);
    }
    expect(sizes.get("class-0")).toBe("large");
    expect(sizes.get("class-48")).toBe("large");
    expect(sizes.get("class-1")).toBeUndefined();
    const builds = fake.state.builds.size;

    const second = await apply(file);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("50 workspace(s): 50 reused");
    expect(second.stdout.match(/^class-\d+\s+reused/gm)).toHaveLength(50);
    expect(fake.state.builds.size).toBe(builds);
    // Plain stage lines without a terminal: no cursor movement in captured output.
    expect(second.stderr).not.toContain("\u001b[");
  }, 120_000);

  it("ends a run with 503s, cut connections, dropped log streams and a failing build with a true summary", async () => {
    const injected: string[] = [];
    fake = await startFakeCoder({
      stepDelayMs: 1,
      provisioners: 4,
      onResponse: (r) => {
        if (r.injected) injected.push(`${r.status} ${r.method} ${r.path.replace(/[^/]+$/, "*")}`);
      },
    });
    const { file } = declaration(12);
    const faults = fake.faults;
    faults.failNext({ method: "POST", path: "/api/v2/users/me/workspaces", status: 503, times: 3 });
    // The create happens, but its answer is cut: the classic way to a duplicate.
    faults.dropConnection({
      method: "POST",
      path: "/api/v2/users/me/workspaces",
      when: "mid-response",
      times: 2,
    });
    faults.failNext({ method: "GET", path: "/api/v2/users/me/workspace/*", status: 503, times: 4 });
    faults.dropStream({ path: "/api/v2/workspacebuilds/*/logs", afterFrames: 1, times: 4 });
    faults.failJob({
      type: "workspace_build",
      transition: "start",
      error: "terraform apply: quota exceeded",
    });

    const faulty = await apply(file, "-o", "json");
    expect(faulty.code).toBe(5); // a provisioner job failed
    // Every fault fired: the run went through them, not around them.
    expect(injected.filter((i) => i.startsWith("503 POST"))).toHaveLength(3);
    expect(injected.filter((i) => i.startsWith("503 GET"))).toHaveLength(4);
    if (process.env.SPT_DEBUG) console.error(faulty.stderr);
    const summary = faulty.json!;
    expect(summary.ok).toBe(false);
    expect(summary.counts).toMatchObject({ created: 11, failed: 1 });
    const failed = summary.items.filter((i) => i.outcome === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.error?.name).toBe("ProvisionerJobError");
    expect(failed[0]?.error?.message).toContain("quota exceeded");
    expect(failed[0]?.exists.join(" ")).toContain(`workspace ${failed[0]?.name}`);
    // Nothing twice: twelve workspaces with twelve names, and one create each.
    expect(liveNames().sort()).toEqual(summary.items.map((i) => i.name).sort());

    const again = await apply(file, "-o", "json");
    expect(again.code).toBe(0);
    expect(again.json?.counts).toMatchObject({ reused: 11, started: 1 });
    expect(again.json?.items.find((i) => i.outcome === "started")?.name).toBe(failed[0]?.name);
    expect(liveNames()).toHaveLength(12);
  }, 120_000);

  it("names the line of every problem in the declaration, before sending anything", async () => {
    fake = await startFakeCoder({ stepDelayMs: 1 });
    const dir = mkdtempSync(join(tmpdir(), "spt-fleet-bad-"));
    const file = join(dir, "fleet.yaml");
    writeFileSync(
      file,
      [
        "template: alpha",
        "template_dir: ./missing",
        "workspaces:",
        "  - name: ok-one",
        "  - name: Bad_Name",
        "  - template: x",
        "  - name: three",
        "    colour: blue",
        "    parameters: { a: { b: c } }",
        "",
      ].join("\n"),
    );
    const bad = await apply(file);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("5 problems");
    expect(bad.stderr).toContain(`${file}:2: template_dir:`);
    expect(bad.stderr).toContain(`${file}:5: workspaces[1].name: "Bad_Name" is not a valid name`);
    expect(bad.stderr).toContain(`${file}:6: workspaces[2]: \`name\` is missing`);
    expect(bad.stderr).toContain(`${file}:8: workspaces[3].colour: unknown key`);
    expect(bad.stderr).toContain(`${file}:9: workspaces[3].parameters.a:`);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(fake.state.workspaces.size + fake.state.files.size).toBe(0);

    writeFileSync(file, "workspaces: [\n  { name: a },\n");
    const broken = await apply(file);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+: `));
  });

  it("dry-runs: says what would be created and pruned and changes nothing", async () => {
    fake = await startFakeCoder({ stepDelayMs: 1 });
    const { file } = declaration(3);
    expect((await apply(file)).code).toBe(0);
    const { file: smaller } = declaration(1);
    const plan = await apply(smaller, "--dry-run", "--prune");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^class-0\s+would reuse/m);
    expect(plan.stdout).toContain("Prune class-1: would delete");
    expect(plan.stdout).toContain("Prune class-2: would delete");
    expect(liveNames()).toHaveLength(3);
  }, 60_000);

  it("refuses --prune without a prefix and a bad --concurrency with usage errors", async () => {
    fake = await startFakeCoder({ stepDelayMs: 1 });
    const dir = mkdtempSync(join(tmpdir(), "spt-fleet-"));
    const file = join(dir, "fleet.json");
    writeFileSync(file, JSON.stringify({ workspaces: [{ name: "a", template: "none" }] }));
    const prune = await apply(file, "--prune");
    expect(prune.code).toBe(2);
    expect(prune.stderr).toContain("--prune needs a prefix");
    const conc = await apply(file, "--concurrency", "0");
    expect(conc.code).toBe(2);
    expect(conc.stderr).toContain("--concurrency must be a whole number of at least 1");
  });
});
