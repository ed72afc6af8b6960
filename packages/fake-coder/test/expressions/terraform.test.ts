import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { announceSkip, findTool } from "../../../../tests/template/helpers/template.js";
import { ERRORS, VALUES, VARIABLES } from "./cases.js";

// The expression table checked by Terraform itself: a configuration with only variables needs no provider and
// no `init`, so `terraform console` evaluates offline. CI does not need terraform; where it is absent this says so.
const terraform = findTool("terraform");
if (!terraform) announceSkip("the expression table checked by terraform console", "terraform is not on PATH");

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A case's source as Terraform reads it: the body of a quoted string, which is its value when it is one `${}`. */
const quoted = (source: string) => `"${source}"`;

describe.skipIf(!terraform)("the expression table, evaluated by terraform console", () => {
  const dirs: string[] = [];
  /** A folder with a configuration that declares the table's variables. */
  function configuration(): string {
    const dir = mkdtempSync(join(tmpdir(), "spt-fake-expr-"));
    dirs.push(dir);
    const variable = Object.fromEntries(Object.entries(VARIABLES).map(([k, v]) => [k, { default: v }]));
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ variable }));
    return dir;
  }
  let values: Run;
  const errors = new Map<string, Run>();

  /**
   * One expression through `terraform console` in the configuration at `cwd`; it prints the value of the last
   * line it reads. Console locks the configuration's (empty) state, so processes side by side need a folder each.
   */
  function consoleRun(cwd: string, expression: string): Promise<Run> {
    const child = spawn(terraform!, ["console", "-no-color"], {
      cwd,
      env: {
        ...process.env,
        CHECKPOINT_DISABLE: "1",
        TF_IN_AUTOMATION: "1",
        TF_CLI_CONFIG_FILE: "/dev/null",
        TF_DATA_DIR: join(cwd, ".tf"),
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.stdin.end(`${expression}\n`);
    return new Promise((done, fail) => {
      child.on("error", fail);
      child.on("close", (status) => done({ status, stdout: stdout.trim(), stderr }));
    });
  }

  beforeAll(async () => {
    // Every value in one process (a tuple, JSON-encoded, printed as a quoted string); a failing expression fails
    // the whole line, so each error case runs alone, four at a time.
    values = await consoleRun(
      configuration(),
      `jsonencode([${VALUES.map(([source]) => quoted(source)).join(", ")}])`,
    );
    const pending = [...ERRORS];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        const cwd = configuration();
        for (let next = pending.shift(); next; next = pending.shift())
          errors.set(next[0], await consoleRun(cwd, quoted(next[0])));
      }),
    );
  }, 120_000);
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("gives every value in the table", () => {
    expect(values.status, values.stderr).toBe(0);
    const got = JSON.parse(JSON.parse(values.stdout) as string) as unknown[];
    const differing = VALUES.flatMap(([source, expected], i) =>
      JSON.stringify(got[i]) === JSON.stringify(expected) ? [] : [{ source, expected, terraform: got[i] }],
    );
    expect(differing).toEqual([]);
  });

  it.each(ERRORS)("fails on %s with the summary in the table (%s)", (source, summary) => {
    const run = errors.get(source)!;
    expect(run.status, run.stdout).not.toBe(0);
    expect(run.stderr).toContain(`Error: ${summary}\n`);
  });
});
