import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { apply, closeFleetFakeAfterEach, declaration, liveNames, startFleetFake } from "./fleet-helpers.js";

closeFleetFakeAfterEach();

describe("spt-coder fleet apply", () => {
  it("names the line of every problem in the declaration, before sending anything", async () => {
    const fake = await startFleetFake({ stepDelayMs: 1 });
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
    expect(broken.stderr).toMatch(
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: YAML syntax: `),
    );
  });

  it("dry-runs: says what would be created and pruned and changes nothing", async () => {
    await startFleetFake({ stepDelayMs: 1 });
    const { file } = declaration(3);
    expect((await apply(file)).code).toBe(0);
    const { file: smaller } = declaration(1);
    const plan = await apply(smaller, "--dry-run", "--prune");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^class-0\s+would reuse/m);
    expect(plan.stdout).toContain("Prune class-1: would delete");
    expect(plan.stdout).toContain("Prune class-2: would delete");
    expect(liveNames()).toHaveLength(3);
  });

  it("refuses --prune without a prefix and a bad --concurrency with usage errors", async () => {
    await startFleetFake({ stepDelayMs: 1 });
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
