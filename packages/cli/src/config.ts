import { chmod, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type CommandRunner, coderUsesKeyring, readCoderKeyring } from "./keyring.js";

/** Where a setting came from, for `--verbose` and error messages. */
export type ConfigSource = "flag" | "environment" | "spt-coder config" | "coder config" | "coder keyring";

/** A value and its origin. */
export interface Sourced<T> {
  value: T;
  source: ConfigSource;
}

/** The connection settings of one run. The token is never printed; only its source is. */
export interface ResolvedConfig {
  url?: Sourced<string> | undefined;
  token?: Sourced<string> | undefined;
  org?: Sourced<string> | undefined;
  /** Problems worth a warning on stderr (a config file readable by others). */
  warnings: string[];
}

/** What spt-coder stores after `spt-coder login`. */
export interface StoredConfig {
  url?: string;
  token?: string;
  organization?: string;
}

/** Inputs of {@link resolveConfig}: the flags, the environment, and the home folder. */
export interface ConfigInputs {
  flags: { url?: string | undefined; token?: string | undefined; org?: string | undefined };
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  platform?: NodeJS.Platform;
  /** Runs the OS's keyring tool (`security`, PowerShell); injected in tests so no real keyring is read. */
  runCommand?: CommandRunner | undefined;
}

/** spt-coder's own folder: `$XDG_CONFIG_HOME/spt-coder`, default `~/.config/spt-coder`. */
export function ownConfigDir(env: ConfigInputs["env"], home: string): string {
  return join(env.XDG_CONFIG_HOME || join(home, ".config"), "spt-coder");
}

/**
 * The coder CLI's folder, as `configdir.LocalConfig("coderv2")` computes it: `CODER_CONFIG_DIR`, else
 * `$XDG_CONFIG_HOME/coderv2` or `~/.config/coderv2` on Linux, `~/Library/Application Support/coderv2` on macOS,
 * `%APPDATA%\coderv2` on Windows.
 */
export function coderConfigDir(
  env: ConfigInputs["env"],
  home: string,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.CODER_CONFIG_DIR) return env.CODER_CONFIG_DIR;
  if (platform === "darwin") return join(home, "Library", "Application Support", "coderv2");
  if (platform === "win32") return join(env.APPDATA || join(home, "AppData", "Roaming"), "coderv2");
  return join(env.XDG_CONFIG_HOME || join(home, ".config"), "coderv2");
}

/**
 * Resolves URL, token and organization: flags, then the environment (`CODER_URL`, `CODER_SESSION_TOKEN`,
 * `CODER_ORGANIZATION`), then spt-coder's config, then what the coder CLI stored: its `url` file, and the token
 * from the OS keyring (macOS and Windows with the default config folder, coder v2.29+) or its `session` file.
 * A stored token is only used for the URL it was stored with: a token must never travel to a server the user did
 * not log in to. The coder CLI's `organization` file is not read: the coder CLI itself stopped using it.
 */
export async function resolveConfig(inputs: ConfigInputs): Promise<ResolvedConfig> {
  const warnings: string[] = [];
  const platform = inputs.platform ?? process.platform;
  const own = await readOwnConfig(ownConfigDir(inputs.env, inputs.home), warnings);
  const coder = await readCoderConfig(coderConfigDir(inputs.env, inputs.home, platform));
  const ownStore = { source: "spt-coder config" as const, data: own };
  const coderStore = { source: "coder config" as const, data: coder };

  const url =
    pick(inputs.flags.url, "flag") ??
    pick(inputs.env.CODER_URL, "environment") ??
    firstStored([ownStore, coderStore], (d) => d.url);
  const matches = (store: { data: StoredConfig }) =>
    store.data.url !== undefined && url !== undefined && sameUrl(store.data.url, url.value);
  const token =
    pick(inputs.flags.token, "flag") ??
    pick(inputs.env.CODER_SESSION_TOKEN, "environment") ??
    firstStored([ownStore].filter(matches), (d) => d.token) ??
    (await keyringToken(inputs, platform, url?.value, warnings)) ??
    firstStored([coderStore].filter(matches), (d) => d.token);
  const org =
    pick(inputs.flags.org, "flag") ??
    pick(inputs.env.CODER_ORGANIZATION, "environment") ??
    firstStored([ownStore].filter(matches), (d) => d.organization);
  return { url, token, org, warnings };
}

/**
 * The token a recent `coder login` keeps in the keyring for `url`'s host (keyed by host, so it cannot be sent to
 * another deployment). When the keyring cannot be read, a warning says so and what to do instead.
 */
async function keyringToken(
  inputs: ConfigInputs,
  platform: NodeJS.Platform,
  url: string | undefined,
  warnings: string[],
): Promise<Sourced<string> | undefined> {
  if (url === undefined || !coderUsesKeyring(platform, inputs.env)) return undefined;
  const result = await readCoderKeyring(url, platform, inputs.runCommand);
  if (result.kind === "found") return { value: result.token, source: "coder keyring" };
  if (result.kind === "unreadable") {
    const where = platform === "darwin" ? "macOS keychain" : "Windows Credential Manager";
    warnings.push(
      `The coder CLI keeps its session token in the ${where} (item "coder-v2-credentials"), and it could not be read: ${result.reason.replace(/\.$/, "")}. Set CODER_SESSION_TOKEN, or run \`spt-coder login\` instead.`,
    );
  }
  return undefined;
}

function pick(value: string | undefined, source: ConfigSource): Sourced<string> | undefined {
  const trimmed = value?.trim();
  return trimmed ? { value: trimmed, source } : undefined;
}

function firstStored(
  stores: { source: ConfigSource; data: StoredConfig }[],
  get: (data: StoredConfig) => string | undefined,
): Sourced<string> | undefined {
  for (const store of stores) {
    const found = pick(get(store.data), store.source);
    if (found) return found;
  }
  return undefined;
}

/** Compares two deployment URLs loosely: scheme and host case-insensitive, trailing slashes ignored. */
export function sameUrl(a: string, b: string): boolean {
  const canon = (s: string) => {
    const raw = s.trim();
    try {
      const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
      return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`;
    } catch {
      return raw.replace(/\/+$/, "").toLowerCase();
    }
  };
  return canon(a) === canon(b);
}

/** The path of spt-coder's config file. */
export function ownConfigFile(env: ConfigInputs["env"], home: string): string {
  return join(ownConfigDir(env, home), "config.json");
}

async function readOwnConfig(dir: string, warnings: string[]): Promise<StoredConfig> {
  const file = join(dir, "config.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return {};
  }
  const mode = (await stat(file)).mode & 0o777;
  if (process.platform !== "win32" && (mode & 0o077) !== 0) {
    warnings.push(
      `${file} is readable by other users (mode ${mode.toString(8).padStart(4, "0")}); it holds your session ` +
        `token. Run: chmod 600 ${file}`,
    );
  }
  try {
    const data = JSON.parse(text) as unknown;
    if (data === null || typeof data !== "object") throw new Error("not an object");
    const { url, token, organization } = data as Record<string, unknown>;
    return {
      ...(typeof url === "string" ? { url } : {}),
      ...(typeof token === "string" ? { token } : {}),
      ...(typeof organization === "string" ? { organization } : {}),
    };
  } catch (error) {
    warnings.push(`Ignoring ${file}: it is not valid JSON (${(error as Error).message}).`);
    return {};
  }
}

async function readCoderConfig(dir: string): Promise<StoredConfig> {
  // coder writes each value to its own file and trims whitespace when reading (cli/config/file.go).
  const read = async (name: string) => {
    try {
      return (await readFile(join(dir, name), "utf8")).trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const [url, token] = await Promise.all([read("url"), read("session")]);
  return { ...(url ? { url } : {}), ...(token ? { token } : {}) };
}

/**
 * Writes spt-coder's config: folder 0700, file 0600 (it holds the session token), replaced atomically so a
 * crash never leaves half a file. Returns the file's path.
 */
export async function saveOwnConfig(
  env: ConfigInputs["env"],
  home: string,
  data: StoredConfig,
): Promise<string> {
  const dir = ownConfigDir(env, home);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, "config.json");
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600); // writeFile's mode only applies when the file is new
  await rename(temp, file);
  return file;
}

/** What spt-coder's config holds: the URL and token `spt-coder login` stored, if any. */
export async function readOwnSession(
  env: ConfigInputs["env"],
  home: string,
): Promise<{ url?: string; token?: string }> {
  const { url, token } = await readOwnConfig(ownConfigDir(env, home), []);
  return { ...(url !== undefined ? { url } : {}), ...(token !== undefined ? { token } : {}) };
}

/**
 * Removes the session token from spt-coder's config (the URL stays, for the next `spt-coder login`). Returns
 * whether there was a token to remove. The coder CLI's own files and keyring entry are not touched.
 */
export async function forgetOwnToken(env: ConfigInputs["env"], home: string): Promise<boolean> {
  const stored = await readOwnConfig(ownConfigDir(env, home), []);
  if (stored.token === undefined) return false;
  const { token: _dropped, ...rest } = stored;
  await saveOwnConfig(env, home, rest);
  return true;
}

/** What to fix when Coder rejected the token, named by where the token came from. */
export function rejectedTokenHint(source: ConfigSource | undefined): string {
  switch (source) {
    case "environment":
      return "The token came from the environment variable CODER_SESSION_TOKEN: set it to a valid token, or unset it to use the one `spt-coder login <url>` stores.";
    case "flag":
      return "The token came from --token: pass a valid one, or leave it out after `spt-coder login <url>`.";
    case "spt-coder config":
      return "The token stored by `spt-coder login` was rejected (expired?): run `spt-coder login <url>` again.";
    case "coder config":
      return "The token stored by `coder login` was rejected (expired?): run `spt-coder login <url>`, or set CODER_SESSION_TOKEN.";
    default:
      return "Check the session token: run `spt-coder login <url>`, or set CODER_SESSION_TOKEN.";
  }
}
