// The bad-input corpus, run through the CLI in-process (the unprivileged cases, and all with SPT_TEST_SPAWN=1,
// through the built bundle as a process; ./cli-in-process.ts): malformed URLs, invalid names, wrong parameter
// values of every type, and template folders broken in every way we could think of. Each case must end with its
// documented exit code and a one-paragraph error (no stack trace without --verbose), and the fake Coder must
// never see an upload.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { createCoderClient, pushTemplate } from "@spt-coder/sdk";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { minimalTemplate } from "../../packages/sdk/test/flows/helpers.js";
import { addSecret, cliEnv, expectNoSecretsInFiles, tempHome } from "../e2e/helpers.js";
import { runCli } from "./cli-in-process.js";

// A few cases at a time keep two cores busy, not swamped (each spawned case is one CLI process).
vi.setConfig({ maxConcurrency: 4 });

const EXIT = { usage: 2, notFound: 4 } as const;
/** Running as root, file modes do not stop reads: the unreadable cases then run the CLI as `nobody`. */
const NOBODY = process.getuid?.() === 0 ? 65534 : undefined;

let fake: RunningFakeCoder;
let home: string;
const scratch = mkdtempSync(join(tmpdir(), "spt-bad-input-"));
chmodSync(scratch, 0o755); // the unprivileged runs must reach their folders

/** A folder under the scratch space with these files (`null`: a sub-folder). */
function folder(name: string, files: Record<string, string | Buffer | null> = {}): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  for (const [path, data] of Object.entries(files)) {
    if (data === null) mkdirSync(join(dir, path), { recursive: true });
    else writeFileSync(join(dir, path), data);
  }
  return dir;
}

const PARAMS_TEMPLATE = minimalTemplate(`
data "coder_parameter" "name" {
  name    = "name"
  type    = "string"
  default = "abc"
  mutable = true
  validation {
    regex = "^[a-z]+$"
    error = "lower-case letters only"
  }
}
data "coder_parameter" "count" {
  name    = "count"
  type    = "number"
  default = 2
  mutable = true
  validation {
    min = 1
    max = 10
  }
}
data "coder_parameter" "debug" {
  name    = "debug"
  type    = "bool"
  default = false
}
data "coder_parameter" "tags" {
  name    = "tags"
  type    = "list(string)"
  default = jsonencode([])
}
data "coder_parameter" "color" {
  name    = "color"
  type    = "string"
  default = "red"
  option {
    name  = "Red"
    value = "red"
  }
  option {
    name  = "Blue"
    value = "blue"
  }
}
data "coder_parameter" "tools" {
  name      = "tools"
  type      = "list(string)"
  form_type = "multi-select"
  default   = jsonencode(["git"])
  option {
    name  = "git"
    value = "git"
  }
  option {
    name  = "vim"
    value = "vim"
  }
}
data "coder_parameter" "region" {
  name = "region"
  type = "string"
}
`);

interface Case {
  name: string;
  args: string[];
  exit: number;
  /** What the error must say. */
  says: RegExp;
  /** Run as an unprivileged user (only set when the tests run as root). */
  unprivileged?: boolean;
  /** Run without CODER_URL and CODER_SESSION_TOKEN in the environment. */
  bare?: boolean;
}

// Built at collection time; the big folders are filled in beforeAll.
const good = folder("good", { "main.tf": minimalTemplate() });
const outside = folder("outside", { "secret.tf": 'resource "null_resource" "stolen" {}\n' });

let workspaces = 0;
/** `up` of a new workspace on a template that does not exist yet, so that a good folder would be pushed. */
function push(template: string, dir: string, ...more: string[]): string[] {
  return ["up", "--name", `ws${++workspaces}`, `--template=${template}`, "--template-dir", dir, ...more];
}
/** `up` of a workspace on the seeded template with parameters; `region` is required there. */
function params(...more: string[]): string[] {
  return ["up", "--name", "p", "-t", "params", "--param", "region=eu", ...more];
}

const URLS: Case[] = [
  ["empty", "", /No Coder URL was given/],
  ["blank", "   ", /No Coder URL was given/],
  ["ftp scheme", "ftp://coder.example.com", /the scheme "ftp:\/\/" is not supported/],
  ["ws scheme", "ws://coder.example.com", /the scheme "ws:\/\/" is not supported/],
  ["file scheme", "file:///etc/passwd", /the scheme "file:\/\/" is not supported/],
  ["credentials", "https://admin:hunter2@coder.example.com", /credentials in the URL are not supported/],
  ["query", "https://coder.example.com/?coder_session_token=s3cr3t", /query or fragment/],
  ["fragment", "https://coder.example.com/#dashboard", /query or fragment/],
  ["no host", "https://", /not a valid URL|no host/],
  ["space in host", "http://exa mple.com", /not a valid URL/],
  ["unclosed IPv6", "http://[::1", /not a valid URL/],
  ["port out of range", "https://coder.example.com:65536", /not a valid URL/],
  ["bad percent escape in host", "https://co%zzder.example.com", /not a valid URL/],
  ["javascript:", "javascript:alert(1)", /not a valid URL/],
  [
    "credentials without a scheme",
    "admin:hunter2@coder.example.com",
    /credentials in the URL are not supported/,
  ],
  // Port 1 is on the Fetch standard's "bad port" list; the CLI sends through node:http, which tries it like any port.
  ["a port fetch would refuse", "http://127.0.0.1:1", /the connection was refused/],
  ["nothing listening", "http://127.0.0.1:2", /the connection was refused/],
].map(([name, url, says]) => ({
  name: `URL: ${name}`,
  args: ["up", "--name", "ws", `--url=${url}`],
  exit: EXIT.usage,
  says: says as RegExp,
  bare: true,
}));

const WORKSPACE_NAMES: Case[] = [
  "has space",
  "under_score",
  "-leading",
  "trailing-",
  "double--hyphen",
  "a".repeat(33),
  "new",
  "create",
  "émoji",
  "dot.ted",
].map((name) => ({
  name: `workspace name ${JSON.stringify(name)}`,
  args: ["up", `--name=${name}`, "-t", "params", "--param", "region=eu"],
  exit: EXIT.usage,
  says: /workspace name|name/i,
}));

const TEMPLATE_NAMES: Case[] = ["bad name", "x".repeat(33), "new", "-x", "under_score"].map((name) => ({
  name: `template name ${JSON.stringify(name)}`,
  args: push(name, good),
  exit: EXIT.usage,
  says: /template name/i,
}));

const PARAMETERS: Case[] = [
  ["number that is not a number", params("--param", "count=abc"), /count/],
  ["number above the maximum", params("--param", "count=11"), /count\n[\s\S]*more than the maximum 10/],
  ["number below the minimum", params("--param", "count=0"), /count\n[\s\S]*less than the minimum 1/],
  ["number with a fraction", params("--param", "count=1.5"), /count/],
  ["bool that is not true/false", params("--param", "debug=yes"), /debug/],
  ["list that is not JSON", params("--param", "tags=a,b"), /tags/],
  ["list of numbers", params("--param", "tags=[1,2]"), /tags/],
  ["option that does not exist", params("--param", "color=purple"), /color\n[\s\S]*(red|blue)/],
  ["multi-select with a foreign element", params("--param", 'tools=["emacs"]'), /tools/],
  ["string against its regex", params("--param", "name=ABC"), /name\n[\s\S]*lower-case letters only/],
  ["unknown parameter", params("--param", "nope=1"), /nope/],
  ["required parameter missing", ["up", "--name", "p", "-t", "params"], /region/],
  [
    "several problems at once",
    params("--param", "count=99", "--param", "debug=maybe", "--param", "color=green"),
    /3 parameter values were rejected[\s\S]*color[\s\S]*count[\s\S]*debug/,
  ],
  ["--param without =", params("--param", "noequals"), /--param: format name=value expected/],
  ["--param with an empty name", params("--param", "=x"), /--param: format name=value expected/],
  ["--var without =", push("vars", good, "--var", "oops"), /--var: format name=value expected/],
  ["--param-file that does not exist", params("--param-file", "/nonexistent/p.yaml"), /cannot read/],
].map(([name, args, says]) => ({
  name: `parameter: ${name}`,
  args: args as string[],
  exit: EXIT.usage,
  says: says as RegExp,
}));

const FLAGS: Case[] = [
  {
    name: "flag: unknown option",
    args: ["up", "--name", "x", "--bogus-flag"],
    exit: EXIT.usage,
    says: /spt-coder up has no option --bogus-flag/,
  },
  {
    name: "flag: bad --output",
    args: ["up", "--name", "x", "-o", "yaml"],
    exit: EXIT.usage,
    says: /yaml|output/,
  },
  { name: "flag: --name without a value", args: ["up", "--name"], exit: EXIT.usage, says: /name/ },
];

// Folders for the template cases (the large ones are filled in beforeAll).
const big = folder("big", { "main.tf": minimalTemplate() });
const many = folder("many", { "main.tf": minimalTemplate() });
const TEMPLATE_DIRS: Case[] = [
  ["missing folder", join(scratch, "nope"), EXIT.usage, /not a template folder|cannot be opened/],
  ["a file, not a folder", join(good, "main.tf"), EXIT.usage, /not a template folder|is a file/],
  ["empty folder", folder("empty"), EXIT.usage, /no \.tf/],
  ["no .tf, only a README", folder("readme", { "README.md": "# hi\n" }), EXIT.usage, /no \.tf/],
  [
    "only hidden files",
    folder("hidden", { ".main.tf": minimalTemplate(), ".env": "A=1\n", ".git": null }),
    EXIT.usage,
    /\.tf/,
  ],
  ["main.tf is a symlink loop", linked("loop-file", { "main.tf": "main.tf" }), EXIT.usage, /\.tf/],
  [
    "the folder is a symlink loop",
    selfLink("loop-dir"),
    EXIT.usage,
    /not a template folder|cannot be opened/,
  ],
  [
    "main.tf points outside the folder",
    linked("escape", { "main.tf": join(outside, "secret.tf") }),
    EXIT.usage,
    /\.tf/,
  ],
  ["one 2 MB file", big, EXIT.usage, /smaller than 1,048,576 bytes.*big\.bin/],
  ["10,000 small files", many, EXIT.usage, /smaller than 1,048,576 bytes/],
  [
    "a 200-byte file name",
    folder("long-name", { "main.tf": minimalTemplate(), [`${"n".repeat(200)}.txt`]: "x" }),
    EXIT.usage,
    /too long for a ustar archive/,
  ],
  ["a path nested too deep for ustar", deepFolder(), EXIT.usage, /too long for a ustar archive/],
  ["its only .tf has a name that is not UTF-8", latin1Folder(), EXIT.usage, /\.tf/],
  [
    "a terraform.tfvars that is not HCL",
    folder("bad-tfvars", { "main.tf": minimalTemplate(), "terraform.tfvars": 'region = "eu\n{{{' }),
    EXIT.usage,
    /terraform\.tfvars/,
  ],
  [
    "a terraform.tfvars.json that is not JSON",
    folder("bad-tfvars-json", { "main.tf": minimalTemplate(), "terraform.tfvars.json": "{nope" }),
    EXIT.usage,
    /terraform\.tfvars\.json/,
  ],
].map(([name, dir, exit, says], i) => ({
  name: `template folder: ${name}`,
  args: push(`broken-${i}`, dir as string),
  exit: exit as number,
  says: says as RegExp,
}));

const UNREADABLE: Case[] = [
  {
    name: "template folder: an unreadable file",
    args: push("unreadable-file", unreadable("unreadable-file", "secrets.txt")),
    exit: EXIT.usage,
    says: /Cannot read "secrets\.txt".*EACCES/,
    unprivileged: true,
  },
  {
    name: "template folder: an unreadable sub-folder",
    args: push("unreadable-dir", unreadable("unreadable-dir", "private")),
    exit: EXIT.usage,
    says: /Cannot read the folder "private".*EACCES/,
    unprivileged: true,
  },
];

/** A template folder whose entries are symlinks (name → target). */
function linked(name: string, links: Record<string, string>): string {
  const dir = folder(name);
  for (const [link, target] of Object.entries(links)) symlinkSync(target, join(dir, link));
  return dir;
}

/** A folder whose only .tf file is named `main\xe9.tf` in Latin-1: not valid UTF-8. */
function latin1Folder(): string {
  const dir = folder("latin1");
  writeFileSync(
    Buffer.concat([Buffer.from(`${dir}/main`), Buffer.from([0xe9]), Buffer.from(".tf")]),
    minimalTemplate(),
  );
  return dir;
}

/** A "folder" that is a symlink to itself. */
function selfLink(name: string): string {
  const path = join(scratch, name);
  symlinkSync(path, path);
  return path;
}

/** main.tf plus a file whose folder part is longer than ustar's 155-byte prefix. */
function deepFolder(): string {
  const parts = Array.from({ length: 12 }, (_, i) => `level-${i}-${"d".repeat(20)}`);
  return folder("deep", {
    "main.tf": minimalTemplate(),
    [parts.join("/")]: null,
    [`${parts.join("/")}/f`]: "x",
  });
}

/** main.tf plus an entry no one but root may read (a file, or a folder when the name has no dot). */
function unreadable(name: string, entry: string): string {
  const dir = folder(name, { "main.tf": minimalTemplate() });
  const path = join(dir, entry);
  if (entry.includes(".")) writeFileSync(path, "top secret\n");
  else mkdirSync(path);
  if (NOBODY !== undefined) {
    // The folder and main.tf become the unprivileged user's; the entry stays root's.
    chownSync(dir, NOBODY, NOBODY);
    chownSync(join(dir, "main.tf"), NOBODY, NOBODY);
  }
  chmodSync(path, 0);
  return dir;
}

const CASES: Case[] = [
  ...URLS,
  ...WORKSPACE_NAMES,
  ...TEMPLATE_NAMES,
  ...PARAMETERS,
  ...FLAGS,
  ...TEMPLATE_DIRS,
  ...UNREADABLE,
];

beforeAll(async () => {
  writeFileSync(join(big, "big.bin"), Buffer.alloc(2 * 1024 * 1024, 7));
  for (let i = 0; i < 10_000; i++) {
    if (i % 100 === 0) mkdirSync(join(many, `d${i / 100}`));
    writeFileSync(join(many, `d${Math.floor(i / 100)}`, `f${i}.txt`), String(i));
  }
  // One user per case: an upload, should one happen, is then pinned on the case that made it.
  fake = await startFakeCoder({
    stepDelayMs: 0,
    users: CASES.map((_, i) => ({ username: `case${i}` })),
  });
  addSecret(fake.token);
  const client = createCoderClient({ url: fake.url, token: fake.token });
  await pushTemplate(client, { name: "params", dir: folder("params", { "main.tf": PARAMS_TEMPLATE }) });
  home = await tempHome();
  if (NOBODY !== undefined) chownSync(home, NOBODY, NOBODY);
}, 120_000);

afterAll(async () => {
  await fake?.close();
  await rm(scratch, { recursive: true, force: true });
});

/** Runs the CLI as a case's user (`token`), or with no deployment at all (`bare`). */
function run(args: string[], how: { token?: string; bare?: boolean; unprivileged?: boolean } = {}) {
  const deployment: Record<string, string> = how.bare
    ? {}
    : { CODER_URL: fake.url, CODER_SESSION_TOKEN: how.token ?? fake.token };
  return runCli(args, {
    env: cliEnv(home, { ...deployment, NO_COLOR: "1" }),
    ...(how.unprivileged && NOBODY !== undefined ? { uid: NOBODY } : {}),
  });
}

/** The error as printed: from the line starting with `error:` to the end. */
function errorBlock(stderr: string): string {
  const start = stderr.search(/^error: /m);
  return start < 0 ? "" : stderr.slice(start).trimEnd();
}

describe.concurrent("bad input through the CLI", () => {
  it("has a corpus of at least 30 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES.map((c, i) => [c.name, c, i] as const))("%s", async (_name, c, i) => {
    const user = fake.state.userByName(`case${i}`)!;
    const token = fake.state.tokenOf(user.id);
    addSecret(token);
    const result = await run(c.args, { ...c, token });
    const block = errorBlock(result.stderr);
    expect(result.code, result.stderr).toBe(c.exit);
    expect(block, result.stderr).toMatch(c.says);
    // One paragraph: no blank line inside the error, nothing after it, and no stack trace anywhere.
    expect(block).not.toMatch(/\n\s*\n/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toBe("");
    // Invalid input never reaches an upload; no secret from the URL is echoed back.
    expect([...fake.state.files.values()].filter((f) => f.createdBy === user.id)).toEqual([]);
    expect(result.stderr).not.toMatch(/hunter2|s3cr3t/);
  });

  it("prints the stack trace only with --verbose", async () => {
    const quiet = await run(["up", "--name", "ws", "--url", "ftp://x"]);
    const verbose = await run(["up", "--name", "ws", "--url", "ftp://x", "--verbose"]);
    expect(quiet.stderr).not.toMatch(/^\s+at /m);
    expect(verbose.code).toBe(EXIT.usage);
    expect(verbose.stderr).toMatch(/^\s+at /m);
  });
});

describe("after the whole corpus", () => {
  it("nothing was uploaded but the seeded template, and no workspace was made", () => {
    expect(fake.state.files.size).toBe(1);
    expect(fake.state.workspaces.size).toBe(0);
  });

  it("no file the runs wrote holds a token", async () => {
    await expectNoSecretsInFiles(home);
  });
});
