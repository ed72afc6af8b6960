import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { coderConfigDir, ownConfigDir, resolveConfig, sameUrl, saveOwnConfig } from "../src/config.js";

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "spt-cli-config-"));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function writeCoder(dir: string, files: Record<string, string>) {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
}

async function writeOwn(env: Record<string, string>, data: unknown, mode = 0o600) {
  const dir = ownConfigDir(env, home);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "config.json"), JSON.stringify(data), { mode });
}

describe("resolveConfig", () => {
  it("takes flags first, then the environment", async () => {
    const env = {
      CODER_URL: "https://env.example",
      CODER_SESSION_TOKEN: "env-token",
      CODER_ORGANIZATION: "env-org",
    };
    const fromFlags = await resolveConfig({
      flags: { url: "https://flag.example", token: "t", org: "o" },
      env,
      home,
    });
    expect(fromFlags.url).toEqual({ value: "https://flag.example", source: "flag" });
    expect(fromFlags.token).toEqual({ value: "t", source: "flag" });
    expect(fromFlags.org).toEqual({ value: "o", source: "flag" });
    const fromEnv = await resolveConfig({ flags: {}, env, home });
    expect(fromEnv.url?.source).toBe("environment");
    expect(fromEnv.token?.value).toBe("env-token");
    expect(fromEnv.org?.value).toBe("env-org");
  });

  it("reads the coder CLI's url and session files (trimmed) when nothing else is set", async () => {
    await writeCoder(join(home, ".config", "coderv2"), {
      url: "https://coder.example\n",
      session: " tok-123 \n",
    });
    const config = await resolveConfig({ flags: {}, env: {}, home, platform: "linux" });
    expect(config.url).toEqual({ value: "https://coder.example", source: "coder config" });
    expect(config.token).toEqual({ value: "tok-123", source: "coder config" });
  });

  it("honours CODER_CONFIG_DIR", async () => {
    const dir = join(home, "elsewhere");
    await writeCoder(dir, { url: "https://c.example", session: "s" });
    const config = await resolveConfig({ flags: {}, env: { CODER_CONFIG_DIR: dir }, home });
    expect(config.token?.value).toBe("s");
  });

  it("prefers spt-coder's own config over coder's", async () => {
    await writeCoder(join(home, ".config", "coderv2"), {
      url: "https://coder.example",
      session: "coder-token",
    });
    await writeOwn({}, { url: "https://own.example", token: "own-token", organization: "acme" });
    const config = await resolveConfig({ flags: {}, env: {}, home, platform: "linux" });
    expect(config.url).toEqual({ value: "https://own.example", source: "spt-coder config" });
    expect(config.token).toEqual({ value: "own-token", source: "spt-coder config" });
    expect(config.org?.value).toBe("acme");
    expect(config.warnings).toEqual([]);
  });

  it("never sends a stored token to another URL", async () => {
    await writeCoder(join(home, ".config", "coderv2"), {
      url: "https://coder.example",
      session: "coder-token",
    });
    const other = await resolveConfig({
      flags: { url: "https://evil.example" },
      env: {},
      home,
      platform: "linux",
    });
    expect(other.token).toBeUndefined();
    const same = await resolveConfig({
      flags: { url: "https://CODER.example/" },
      env: {},
      home,
      platform: "linux",
    });
    expect(same.token?.value).toBe("coder-token");
  });

  it("warns when its config file is readable by others, and ignores broken JSON", async () => {
    await writeOwn({}, { url: "https://own.example", token: "x" }, 0o644);
    const wide = await resolveConfig({ flags: {}, env: {}, home });
    expect(wide.warnings.join("\n")).toMatch(/readable by other users \(mode 0644\).*chmod 600/);
    await writeFile(join(ownConfigDir({}, home), "config.json"), "{nope", { mode: 0o600 });
    const broken = await resolveConfig({ flags: {}, env: {}, home });
    expect(broken.url).toBeUndefined();
    expect(broken.warnings.join("\n")).toMatch(/not valid JSON/);
  });
});

describe("saveOwnConfig", () => {
  it("writes under XDG_CONFIG_HOME with a 0700 folder and a 0600 file", async () => {
    const env = { XDG_CONFIG_HOME: join(home, "xdg") };
    const file = await saveOwnConfig(env, home, { url: "https://x.example", token: "secret" });
    expect(file).toBe(join(home, "xdg", "spt-coder", "config.json"));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, "xdg", "spt-coder"))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ url: "https://x.example", token: "secret" });
    const again = await resolveConfig({ flags: {}, env, home });
    expect(again.token?.value).toBe("secret");
  });

  it("tightens an existing file", async () => {
    const env = { XDG_CONFIG_HOME: join(home, "xdg") };
    await writeOwn(env, {}, 0o644);
    const file = await saveOwnConfig(env, home, { url: "https://x.example" });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});

describe("coderConfigDir", () => {
  it("follows coder's per-platform defaults", () => {
    expect(coderConfigDir({}, "/h", "linux")).toBe("/h/.config/coderv2");
    expect(coderConfigDir({ XDG_CONFIG_HOME: "/x" }, "/h", "linux")).toBe("/x/coderv2");
    expect(coderConfigDir({}, "/h", "darwin")).toBe("/h/Library/Application Support/coderv2");
    expect(coderConfigDir({ CODER_CONFIG_DIR: "/c" }, "/h", "darwin")).toBe("/c");
  });
});

describe("sameUrl", () => {
  it("ignores case of scheme and host and trailing slashes", () => {
    expect(sameUrl("https://Coder.Example/", "https://coder.example")).toBe(true);
    expect(sameUrl("coder.example", "https://coder.example")).toBe(true);
    expect(sameUrl("https://coder.example/a", "https://coder.example/b")).toBe(false);
    expect(sameUrl("http://coder.example", "https://coder.example")).toBe(false);
  });
});
