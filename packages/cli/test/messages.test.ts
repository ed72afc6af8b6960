// Issue 18's message cases, in-process (`main(argv, io)` against the loopback fake): what a user who typed
// something wrong, or typed a secret inside a URL, sees. Each case names what is wrong and what to type instead,
// with the documented exit code; credentials a user typed are never echoed, in text or with -o json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { createCoderClient, pushTemplate } from "@spt-coder/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { minimalTemplate } from "../../sdk/test/flows/helpers.js";
import { redact, secretsIn, stripUserinfo } from "../src/redact.js";
import { run } from "./helpers.js";

let fake: RunningFakeCoder;
const scratch = mkdtempSync(join(tmpdir(), "spt-cli-messages-"));
const template = join(scratch, "tpl");
mkdirSync(template);
writeFileSync(
  join(template, "main.tf"),
  minimalTemplate(`
data "coder_parameter" "repo_url" {
  name    = "repo_url"
  type    = "string"
  default = ""
  mutable = true
}
data "coder_parameter" "mirror" {
  name    = "mirror"
  type    = "string"
  default = "https://example.com/"
  validation {
    regex = "^https://example[.]com/"
    error = "the mirror must be on example.com"
  }
}
`),
);

beforeAll(async () => {
  fake = await startFakeCoder({ stepDelayMs: 0 });
  await pushTemplate(createCoderClient({ url: fake.url, token: fake.token }), {
    name: "plain",
    dir: template,
  });
});
afterAll(async () => {
  await fake.close();
  rmSync(scratch, { recursive: true, force: true });
});

const env = () => ({ CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token, NO_COLOR: "1" });
const cli = (argv: string[], overrides: Parameters<typeof run>[1] = {}) =>
  run(argv, { env: env(), home: scratch, cwd: scratch, ...overrides });

/** The error block must be short and plain: no stack trace, no yargs text. */
function expectPlain(stderr: string) {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toMatch(/Not enough non-option|Unknown argument|Pick a command/);
}

describe("credentials a user typed are never echoed", () => {
  it("replaces the userinfo of URL-like values by ***, and only that", () => {
    expect(stripUserinfo("clone https://alice:s3cret@git.example.com/org/repo.git now")).toBe(
      "clone https://***@git.example.com/org/repo.git now",
    );
    expect(stripUserinfo('{"repo_url":"https://ghp_T0KEN@github.com/o/r"}')).toBe(
      '{"repo_url":"https://***@github.com/o/r"}',
    );
    // An unencoded "@" in the password: everything up to the last "@" of the authority goes.
    expect(stripUserinfo("https://u:p@ss@host/x")).toBe("https://***@host/x");
    expect(stripUserinfo("mail admin@example.com; see https://host/a?b=c@d")).toBe(
      "mail admin@example.com; see https://host/a?b=c@d",
    );
  });

  it("leaves help text's optional user alone: ssh://[user@]host is no userinfo (it became ssh://]host)", () => {
    const help = "Enter a git URL as https://host/owner/repo, ssh://[user@]host[:port]/owner/repo";
    expect(stripUserinfo(help)).toBe(help);
  });

  it("strips a URL's userinfo percent-encoded inside another, and never past the encoded path", () => {
    expect(
      stripUserinfo("see https://x/?next=https%3A%2F%2Fbob%3At0ps3cret%40mirror.example.org%2Fx now"),
    ).toBe("see https://x/?next=https%3A%2F%2F***%40mirror.example.org%2Fx now");
    expect(stripUserinfo("https%3A%2F%2Fhost%2Fa%40b")).toBe("https%3A%2F%2Fhost%2Fa%40b");
  });

  it("knows the secret of a typed value in every spelling: a quote, percent-encoding, scp form, a token user", () => {
    const secrets = new Set([
      ...secretsIn('https://bob:t0p"s3cret@mirror.example.org/x', "value"),
      ...secretsIn("https://bob:t0p%40s3cret@mirror.example.org/x", "value"),
      ...secretsIn("git:t0pSc4pSecret@git.example.org:org/repo.git", "value"),
      ...secretsIn("https://ghp_0123456789abcdef@github.com/o/r", "value"),
    ]);
    const printed = [
      'value "https://bob:t0p"s3cret@mirror.example.org/x" rejected',
      JSON.stringify({ repo: 'https://bob:t0p"s3cret@mirror.example.org/x' }),
      "https://bob:t0p@s3cret@mirror.example.org/x and t0p%40s3cret",
      "clone git:t0pSc4pSecret@git.example.org:org/repo.git failed",
      "token ghp_0123456789abcdef in a log",
    ].map((text) => redact(text, secrets));
    for (const line of printed) expect(line).not.toMatch(/t0p|Sc4p|ghp_0123/);
    expect(printed[3]).toBe("clone git:***@git.example.org:org/repo.git failed");
    // A user name is no secret, nor are short values: "dev" stays "dev".
    expect(secretsIn("https://alice:hunter22@host/x", "value")).not.toContain("alice");
    expect(secretsIn("https://a:dev@host/x", "value")).toEqual([]);
  });

  it("up --repo with credentials: the workspace gets the URL, the output never shows the secret", async () => {
    const repo = "https://alice:hunter2-s3cret@git.example.com/org/creds.git";
    for (const output of ["text", "json"]) {
      const name = `creds-${output}`;
      const result = await cli(["up", "-t", "plain", "--name", name, "--repo", repo, "-o", output]);
      expect(result.code, result.stderr).toBe(0);
      const printed = result.stdout + result.stderr;
      expect(printed).not.toContain("hunter2-s3cret");
      expect(printed).not.toContain("alice:");
      // The value itself reached Coder unchanged: the workspace must be able to clone.
      const ws = [...fake.state.workspaces.values()].find((w) => w.name === name)!;
      const build = [...fake.state.builds.values()].find((b) => b.workspaceId === ws.id)!;
      expect(JSON.stringify(build)).toContain("hunter2-s3cret");
    }
  });

  it.each([
    ["a URL", "https://bob:t0ps3cret@mirror.example.org/x"],
    ["a URL whose password has a quote", 'https://bob:t0p"s3cret@mirror.example.org/x'],
    ["a URL percent-encoded whole", "https%3A%2F%2Fbob%3At0ps3cret%40mirror.example.org%2Fx"],
    ["a git remote in scp form", "bob:t0ps3cret@mirror.example.org:org/x.git"],
  ])(
    "a parameter value that is %s with credentials, echoed in an error, is shown without them",
    async (_kind, value) => {
      for (const output of ["text", "json"]) {
        const result = await cli([
          "up",
          "-t",
          "plain",
          "--name",
          "p",
          "--param",
          `mirror=${value}`,
          "-o",
          output,
        ]);
        expect(result.code).toBe(2);
        const printed = result.stderr + result.stdout;
        expect(printed).toContain("mirror.example.org");
        expect(printed).toContain("does not match");
        expect(printed).not.toContain("s3cret");
      }
    },
  );
});

describe("bad input says what is wrong and what to type", () => {
  it("server --port abc and 99999: exit 2, the valid range", async () => {
    for (const port of ["abc", "99999", "0"]) {
      const result = await cli(["server", "--port", port]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe("error: --port must be a whole number from 1 to 65535, e.g. --port 7080.\n");
    }
  });

  it("up --repo with no value", async () => {
    const result = await cli(["up", "--repo"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --repo needs a git repository URL, e\.g\. --repo https:\/\//);
  });

  it("a missing --template-dir, and one that is a file", async () => {
    const missing = await cli(["up", "--name", "x", "-t", "plain", "--template-dir", join(scratch, "nope")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `--template-dir ${join(scratch, "nope")} cannot be opened: there is no such folder.`,
    );
    const file = await cli(["up", "--name", "x", "-t", "plain", "--template-dir", join(template, "main.tf")]);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain(
      `is a file, not a folder; give the folder that holds the template: --template-dir ${template}`,
    );
  });

  it("push -d main.tf suggests the folder, before any name check or upload", async () => {
    const files = fake.state.files.size;
    const result = await cli(["push", "-d", join(template, "main.tf")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `-d ${join(template, "main.tf")} is a file, not a folder; give the folder that holds the template: -d ${template}`,
    );
    expect(result.stderr).not.toContain("template name");
    expect(fake.state.files.size).toBe(files);
  });

  it("--param-file errors are words, not ENOENT or EISDIR", async () => {
    const missing = await cli(["up", "--name", "x", "-t", "plain", "--param-file", join(scratch, "no.yaml")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("there is no such file.");
    const folder = await cli(["up", "--name", "x", "-t", "plain", "--param-file", scratch]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain("it is a folder; give a YAML or JSON file of parameter values.");
    expect(missing.stderr + folder.stderr).not.toMatch(/ENOENT|EISDIR/);
  });

  it("--url ending in /api/v2 says the path would be doubled and what to type", async () => {
    const result = await cli(["list", "--url", `${fake.url}/api/v2`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("/api/v2/api/v2/");
    expect(result.stderr).toContain(`--url ${fake.url}`);
  });

  it("list --search with a key Coder does not know: exit 2, Coder's reason, an example", async () => {
    const result = await cli(["list", "--search", "colour:blue"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --search "colour:blue" is not a query Coder understands: colour/);
    expect(result.stderr).toContain('--search "template:spt-flow status:running"');
  });

  it("a rejected token from the environment names CODER_SESSION_TOKEN; from --token, the flag", async () => {
    const bad = "AbCdEfGhIj-0123456789abcdefghijkl";
    const fromEnv = await cli(["list"], { env: { ...env(), CODER_SESSION_TOKEN: bad } });
    expect(fromEnv.code).toBe(3);
    expect(fromEnv.stderr).toContain("environment variable CODER_SESSION_TOKEN");
    const fromFlag = await cli(["list", "--token", bad]);
    expect(fromFlag.code).toBe(3);
    expect(fromFlag.stderr).toContain("came from --token");
    expect(fromFlag.stderr).not.toContain("CODER_SESSION_TOKEN:");
  });

  it("login without a terminal and without a token says how to pass one that never shows in ps", async () => {
    const result = await cli(["login", fake.url], { env: { NO_COLOR: "1" } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("login needs a terminal to paste the session token");
    expect(result.stderr).toContain(`printf %s "$TOKEN" | spt-coder login ${fake.url} --token-stdin`);
    expect(result.stderr).toContain("CODER_SESSION_TOKEN");
    expect(result.stderr).not.toContain("--token <");
  });

  it("login --token-stdin reads the token piped in, and stores it", async () => {
    const home = mkdtempSync(join(tmpdir(), "spt-login-"));
    const result = await cli(["login", fake.url, "--token-stdin"], {
      env: { NO_COLOR: "1" },
      home,
      stdin: () => Readable.from([`${fake.token}\n`]),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("You're authenticated");
    const again = await cli(["whoami", "-o", "json"], { env: { NO_COLOR: "1" }, home });
    expect(again.code, again.stderr).toBe(0);
    const empty = await cli(["login", fake.url, "--token-stdin"], {
      env: { NO_COLOR: "1" },
      home,
      stdin: () => Readable.from([]),
    });
    expect(empty.code).toBe(3);
    expect(empty.stderr).toContain("No session token came on standard input.");
  });

  it("an unchanged push says so once", async () => {
    const result = await cli(["push", "plain", "-d", template]);
    expect(result.code, result.stderr).toBe(0);
    expect(`${result.stdout}${result.stderr}`.match(/unchanged/g)).toHaveLength(1);
  });

  it("logs of a finished build shows the stage times the build had, not the time since", async () => {
    const up = await cli(["up", "-t", "plain", "--name", "done", "--repo", "https://example.com/r"]);
    expect(up.code, up.stderr).toBe(0);
    const ws = [...fake.state.workspaces.values()].find((w) => w.name === "done")!;
    const build = [...fake.state.builds.values()].find((b) => b.workspaceId === ws.id)!;
    // Pretend the build finished an hour ago: its logs and its job end then.
    const job = fake.state.job(build.jobId);
    const shift = (iso: string) => new Date(Date.parse(iso) - 3_600_000).toISOString();
    job.completedAt = shift(job.completedAt!);
    for (const log of job.logs) log.created_at = shift(log.created_at);
    const logs = await cli(["logs", "done"]);
    expect(logs.code, logs.stderr).toBe(0);
    const times = [...logs.stdout.matchAll(/^=== ✔ .* \[(.+)\]$/gm)].map((m) => m[1]!);
    expect(times.length).toBeGreaterThan(0);
    for (const time of times) expect(time).toMatch(/^\d+ms$|^\d+\.\d+s$/);
  });
});

describe("yargs' generic texts never show through", () => {
  it("an unknown command gets a did-you-mean", async () => {
    const result = await cli(["lsit"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"lsit" is not a spt-coder command.');
    expect(result.stderr).toContain("Did you mean `spt-coder list`?");
    expectPlain(result.stderr);
  });

  it("an unknown flag gets a did-you-mean from that command's flags", async () => {
    const result = await cli(["up", "--nmae", "x"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("spt-coder up has no option --nmae (did you mean --name?).");
    expectPlain(result.stderr);
  });

  it("a missing argument is named", async () => {
    const result = await cli(["logs"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("spt-coder logs needs <workspace>.");
    expectPlain(result.stderr);
  });

  it("a bare spt-coder prints the command list", async () => {
    const result = await cli([]);
    expect(result.code).toBe(0);
    for (const command of ["up", "push", "list", "logs", "login", "server"]) {
      expect(result.stdout).toContain(`spt-coder ${command}`);
    }
  });
});

describe("help and completion", () => {
  const commands = ["up", "push", "list", "status", "logs", "start", "stop", "delete", "login", "server"];

  it("every command has examples, and the global options once under their own heading", async () => {
    for (const command of commands) {
      const { code, stdout } = await cli([command, "--help"]);
      expect(code).toBe(0);
      expect(stdout, command).toMatch(/\nExamples:\n {2}spt-coder /);
      expect(stdout.match(/^ +--url /gm), command).toHaveLength(1);
      const globals = stdout.indexOf("Global options:");
      expect(globals, command).toBeGreaterThan(0);
      expect(stdout.search(/^ +--url /m)).toBeGreaterThan(globals);
    }
  });

  it("completion --help prints help, not the script", async () => {
    const result = await cli(["completion", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("spt-coder completion >> ~/.bashrc");
    expect(result.stdout).not.toContain("###-begin");
  });

  it("completion offers real flags, and workspace and template names from the server", async () => {
    const flags = await cli(["--get-yargs-completions", "spt-coder", "up", "-"]);
    const offered = flags.stdout.trim().split("\n");
    expect(offered).toContain("--template-dir");
    expect(offered).toContain("-O");
    expect(offered.filter((c) => /^--.(:|$)/.test(c))).toEqual([]);
    // The server's names come within the completion's deadline, which a loaded machine missed at 1.5 s.
    const slow = { env: { ...env(), SPT_COMPLETION_DEADLINE_MS: "100000" } };
    const workspaces = await cli(["--get-yargs-completions", "spt-coder", "logs", ""], slow);
    expect(workspaces.stdout.split("\n")).toContain("done");
    const templates = await cli(["--get-yargs-completions", "spt-coder", "up", "-t", ""], slow);
    expect(templates.stdout.split("\n")).toContain("plain");
  });

  it("completion stays quiet when the server does not answer", async () => {
    const result = await cli(["--get-yargs-completions", "spt-coder", "logs", ""], {
      env: { CODER_URL: "http://127.0.0.1:9", CODER_SESSION_TOKEN: fake.token },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("--output");
  });
});
