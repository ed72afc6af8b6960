import { describe, expect, it } from "vitest";
import { EXIT_CODE_TABLE } from "../src/exit-codes.js";
import { run } from "./helpers.js";

describe("main", () => {
  it("prints help with every command and the exit-code table on stdout", async () => {
    const { code, stdout, stderr } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    for (const verb of [
      "up",
      "push",
      "list",
      "status",
      "logs",
      "start",
      "stop",
      "delete",
      "login",
      "server",
      "completion",
    ]) {
      expect(stdout).toContain(`spt-coder ${verb}`);
    }
    for (const [exit, text] of EXIT_CODE_TABLE)
      expect(stdout).toContain(`${String(exit).padStart(3)}  ${text}`);
  });

  it("shows the exit codes in each command's help too", async () => {
    const { code, stdout } = await run(["up", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--template-dir");
    expect(stdout).toContain("130  interrupted");
  });

  it("prints the version", async () => {
    const { stdout } = await run(["--version"]);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("prints a completion script", async () => {
    const { code, stdout } = await run(["completion"]);
    expect(code).toBe(0);
    expect(stdout).toContain("spt-coder --get-yargs-completions");
  });

  it("exits 2 on unknown commands, flags and bad choices", async () => {
    const unknown = await run(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: "frobnicate" is not a spt-coder command\./);
    expect((await run(["list", "--bogus"])).code).toBe(2);
    const choice = await run(["list", "-o", "yaml"]);
    expect(choice.code).toBe(2);
    expect(choice.stderr).toContain('error: --output "yaml" is not one of: table, json.');
  });

  it("prints usage errors as one JSON document with -o json", async () => {
    const { code, stdout, stderr } = await run(["up", "--bogus", "-o", "json"]);
    expect(code).toBe(2);
    expect(stderr).toBe("");
    expect(JSON.parse(stdout)).toEqual({
      error: {
        code: "usage",
        exit_code: 2,
        message: "spt-coder up has no option --bogus.",
        suggestion: "`spt-coder up --help` lists its options.",
      },
    });
  });

  it("without a terminal and without a URL, names --url and CODER_URL (exit 2)", async () => {
    const { code, stderr } = await run(["up", "--repo", "https://github.com/o/r"]);
    expect(code).toBe(2);
    expect(stderr).toContain("error: No Coder URL was given.");
    expect(stderr).toMatch(/Suggestion: .*--url.*CODER_URL/);
    expect(stderr).toContain("spt-coder server");
  });

  it("rejects a --template-dir without .tf files before contacting anything", async () => {
    const { code, stderr } = await run([
      "up",
      "--repo",
      "r/x",
      "--template-dir",
      "/",
      "--url",
      "http://127.0.0.1:9",
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain("is not a template folder");
  });
});

describe("--wait says what each command waits for", () => {
  // `start` follows the build only, as coder start does (a real Coder's agent is still starting when it returns):
  // its help once promised the agents too.
  it("promises the agents for up and fleet apply, the build only for the lifecycle verbs", async () => {
    const waitLine = async (argv: string[]) =>
      (await run([...argv, "--help"])).stdout.split("\n").find((l) => l.includes("--wait")) ?? "";
    for (const argv of [["up"], ["fleet", "apply"]]) expect(await waitLine(argv)).toContain("and the agents");
    for (const argv of [["start"], ["stop"], ["restart"], ["update"]]) {
      expect(await waitLine(argv)).toContain("Follow the build to its end (not the agents");
    }
  });
});
