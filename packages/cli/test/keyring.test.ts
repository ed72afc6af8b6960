import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { coderConfigDir, resolveConfig } from "../src/config.js";
import { type CommandRunner, readCoderKeyring } from "../src/keyring.js";

let home: string;
let bin: string;
const savedPath = process.env.PATH;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "spt-cli-keyring-"));
  bin = join(home, "bin");
  await mkdir(bin);
  process.env.PATH = `${bin}:${savedPath}`;
});
afterEach(async () => {
  process.env.PATH = savedPath;
  await rm(home, { recursive: true, force: true });
});

const stored = (entries: Record<string, { coder_url: string; api_token: string }>) => JSON.stringify(entries);

/** A fake macOS `security` on PATH: answers only coder's exact query, like the real tool's item lookup. */
async function fakeSecurity(script: string) {
  const file = join(bin, "security");
  await writeFile(
    file,
    `#!/bin/sh
if [ "$1 $2 $3 $4 $5" != "find-generic-password -s coder-v2-credentials -wa coder-login-credentials" ]; then
  echo "unexpected arguments: $*" >&2; exit 2
fi
${script}
`,
  );
  await chmod(file, 0o755);
}

async function coderUrlFile(platform: NodeJS.Platform, url: string) {
  const dir = coderConfigDir({}, home, platform);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "url"), `${url}\n`);
  return dir;
}

describe("the coder CLI's keyring token (macOS, through a fake security on PATH)", () => {
  it("reads the base64 JSON for the deployment's host, port included, lower-cased", async () => {
    const value = Buffer.from(
      stored({
        "coder.example:8443": {
          coder_url: "https://coder.example:8443",
          api_token: "abcdefghij-0123456789012345678901",
        },
        "other.example": { coder_url: "https://other.example", api_token: "wrong" },
      }),
    ).toString("base64");
    await fakeSecurity(`echo "${value}"`);
    await coderUrlFile("darwin", "https://Coder.Example:8443");
    const config = await resolveConfig({ flags: {}, env: {}, home, platform: "darwin" });
    expect(config.url?.value).toBe("https://Coder.Example:8443");
    expect(config.token).toEqual({ value: "abcdefghij-0123456789012345678901", source: "coder keyring" });
    expect(config.warnings).toEqual([]);
  });

  it("falls back to the session file when there is no keyring item, silently", async () => {
    await fakeSecurity(
      'echo "security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain." >&2; exit 44',
    );
    const dir = await coderUrlFile("darwin", "https://coder.example");
    await writeFile(join(dir, "session"), "from-file\n");
    const config = await resolveConfig({ flags: {}, env: {}, home, platform: "darwin" });
    expect(config.token).toEqual({ value: "from-file", source: "coder config" });
    expect(config.warnings).toEqual([]);
  });

  it("says exactly that the keychain could not be read, and what to do instead", async () => {
    await fakeSecurity('echo "security: User interaction is not allowed." >&2; exit 36');
    await coderUrlFile("darwin", "https://coder.example");
    const config = await resolveConfig({ flags: {}, env: {}, home, platform: "darwin" });
    expect(config.token).toBeUndefined();
    expect(config.warnings).toEqual([
      'The coder CLI keeps its session token in the macOS keychain (item "coder-v2-credentials"), and it could not be read: security: User interaction is not allowed. Set CODER_SESSION_TOKEN, or run `spt-coder login` instead.',
    ]);
  });

  it("never uses the keyring with CODER_CONFIG_DIR, on Linux, or for another host", async () => {
    await fakeSecurity(
      'echo "$(printf %s \'{"coder.example":{"coder_url":"x","api_token":"kt"}}\' | base64)"',
    );
    const custom = join(home, "custom");
    await mkdir(custom);
    await writeFile(join(custom, "url"), "https://coder.example");
    const withDir = await resolveConfig({
      flags: {},
      env: { CODER_CONFIG_DIR: custom },
      home,
      platform: "darwin",
    });
    expect(withDir.token).toBeUndefined();
    await coderUrlFile("linux", "https://coder.example");
    expect((await resolveConfig({ flags: {}, env: {}, home, platform: "linux" })).token).toBeUndefined();
    await coderUrlFile("darwin", "https://coder.example");
    const other = await resolveConfig({
      flags: { url: "https://elsewhere.example" },
      env: {},
      home,
      platform: "darwin",
    });
    expect(other.token).toBeUndefined();
    const same = await resolveConfig({ flags: {}, env: {}, home, platform: "darwin" });
    expect(same.token?.value).toBe("kt");
  });

  it("no longer reads the coder CLI's stale organization file", async () => {
    const dir = await coderUrlFile("linux", "https://coder.example");
    await writeFile(join(dir, "organization"), "stale-org\n");
    await writeFile(join(dir, "session"), "tok\n");
    const config = await resolveConfig({ flags: {}, env: {}, home, platform: "linux" });
    expect(config.token?.value).toBe("tok");
    expect(config.org).toBeUndefined();
  });
});

describe("the coder CLI's keyring token (Windows, injected runner)", () => {
  it("runs PowerShell's CredRead for coder-v2-credentials and reads the JSON blob", async () => {
    const calls: string[][] = [];
    const run: CommandRunner = async (command, args) => {
      calls.push([command, ...args]);
      const script = Buffer.from(args.at(-1) ?? "", "base64").toString("utf16le");
      expect(script).toContain("CredRead");
      expect(script).toContain("'coder-v2-credentials'");
      const blob = Buffer.from(
        stored({ "coder.example": { coder_url: "https://coder.example", api_token: "win-token" } }),
      );
      return { code: 0, stdout: `${blob.toString("base64")}\r\n`, stderr: "" };
    };
    const result = await readCoderKeyring("https://coder.example/", "win32", run);
    expect(result).toEqual({ kind: "found", token: "win-token" });
    expect(calls[0]?.slice(0, 4)).toEqual([
      "powershell.exe",
      "-NoProfile",
      "-NonInteractive",
      "-EncodedCommand",
    ]);
  });

  it("reports a missing credential as absent and a PowerShell failure as unreadable", async () => {
    const absent = await readCoderKeyring("https://coder.example", "win32", async () => ({
      code: 0,
      stdout: "not-found\r\n",
      stderr: "",
    }));
    expect(absent).toEqual({ kind: "absent" });
    const broken = await readCoderKeyring("https://coder.example", "win32", async () => ({
      code: 1,
      stdout: "",
      stderr: "Add-Type : Cannot add type.\nmore",
    }));
    expect(broken).toEqual({ kind: "unreadable", reason: "Add-Type : Cannot add type." });
  });
});

describe("the coder CLI's keyring keys (Go's url.URL.Host, lower-cased)", () => {
  /** A Windows runner that answers with `entries` as the stored blob. */
  const holding =
    (entries: Record<string, { coder_url: string; api_token: string }>): CommandRunner =>
    async () => ({ code: 0, stdout: Buffer.from(stored(entries)).toString("base64"), stderr: "" });

  it("finds a token stored for https://host:443: Go keeps the default port that the WHATWG URL drops", async () => {
    const run = holding({
      "coder.example:443": { coder_url: "https://coder.example:443", api_token: "t443" },
    });
    expect(await readCoderKeyring("https://Coder.Example:443", "win32", run)).toEqual({
      kind: "found",
      token: "t443",
    });
    // The same origin written without its port reaches the same entry, and the other way round.
    expect(await readCoderKeyring("https://coder.example/", "win32", run)).toEqual({
      kind: "found",
      token: "t443",
    });
    const plain = holding({ "coder.example": { coder_url: "https://coder.example", api_token: "t" } });
    expect(await readCoderKeyring("https://coder.example:443", "win32", plain)).toEqual({
      kind: "found",
      token: "t",
    });
  });

  it("prefers the key as written, and never takes another port's or host's entry", async () => {
    const run = holding({
      "coder.example": { coder_url: "https://coder.example", api_token: "bare" },
      "coder.example:443": { coder_url: "https://coder.example:443", api_token: "written" },
      "coder.example:8443": { coder_url: "https://coder.example:8443", api_token: "other-port" },
      "user@coder.example": { coder_url: "x", api_token: "with-user" },
    });
    expect(await readCoderKeyring("https://coder.example:443", "win32", run)).toMatchObject({
      token: "written",
    });
    expect(await readCoderKeyring("https://user:pw@coder.example", "win32", run)).toMatchObject({
      token: "bare",
    });
    expect(await readCoderKeyring("http://coder.example:8080", "win32", run)).toEqual({ kind: "absent" });
    expect(await readCoderKeyring("https://elsewhere.example:443", "win32", run)).toEqual({ kind: "absent" });
  });
});
