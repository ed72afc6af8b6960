import { execFile } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * Reading the token a recent `coder login` (v2.29+) keeps in the OS keyring on macOS and Windows, with the OS's
 * own tools (no native addon). Coder stores one item, service `coder-v2-credentials`, whose value is JSON mapping
 * the lower-cased `host[:port]` of each deployment to `{ "coder_url", "api_token" }` (`cli/sessionstore`).
 */

/** The keyring service (and Windows target name) the coder CLI writes. */
export const CODER_KEYRING_SERVICE = "coder-v2-credentials";
/** The macOS account of that generic password. */
export const CODER_KEYRING_ACCOUNT = "coder-login-credentials";

/** Runs a program without a shell; injectable so tests never touch a real keyring. */
export type CommandRunner = (
  command: string,
  args: readonly string[],
) => Promise<{ code: number; stdout: string; stderr: string }>;

/** What reading the keyring gave. `unreadable` carries the reason, for a message that says exactly that. */
export type KeyringResult =
  | { kind: "found"; token: string }
  | { kind: "absent" }
  | { kind: "unreadable"; reason: string };

const TIMEOUT_MS = 10_000;

/** The default runner: `execFile`, a 10 s limit, output as text. */
export const runCommand: CommandRunner = (command, args) =>
  new Promise((resolve) => {
    execFile(command, [...args], { timeout: TIMEOUT_MS, windowsHide: true }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      const why = error && typeof error.code !== "number" ? `${error.message}\n` : "";
      resolve({ code, stdout: String(stdout), stderr: why + String(stderr) });
    });
  });

/** Whether the coder CLI would use the keyring: macOS or Windows, and the default config folder. */
export function coderUsesKeyring(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
) {
  if (env.CODER_CONFIG_DIR) return false;
  // `--use-keyring` defaults to true; CODER_USE_KEYRING=false turns it off, as serpent parses booleans.
  if (/^(false|0|f)$/i.test(env.CODER_USE_KEYRING ?? "")) return false;
  return platform === "darwin" || platform === "win32";
}

/** Reads the token stored for `url`'s host from the coder CLI's keyring item. */
export async function readCoderKeyring(
  url: string,
  platform: NodeJS.Platform,
  run: CommandRunner = runCommand,
): Promise<KeyringResult> {
  const hosts = keyringHosts(url);
  if (hosts.length === 0) return { kind: "absent" };
  const raw = platform === "darwin" ? await readMac(run) : await readWindows(run);
  if (raw.kind !== "found") return raw;
  return tokenFor(raw.token, hosts);
}

const DEFAULT_PORTS: Record<string, string> = { "https:": "443", "http:": "80" };

/**
 * The keys `url`'s entry may have, best first. coder keys it by Go's `url.URL.Host`, lower-cased, which keeps a
 * default port as written (`https://host:443` is `host:443`), where the WHATWG URL drops it (`host`): so the
 * authority as written comes first, then the same origin with and without its default port.
 */
function keyringHosts(url: string): string[] {
  const full = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(full);
  } catch {
    return [];
  }
  const authority = full.slice(full.indexOf("://") + 3).split(/[/?#]/)[0] ?? "";
  const written = authority
    .slice(authority.lastIndexOf("@") + 1)
    .trim()
    .toLowerCase();
  const host = parsed.host.toLowerCase();
  const port = DEFAULT_PORTS[parsed.protocol];
  const withPort = parsed.port === "" && port ? `${host}:${port}` : host;
  return [...new Set([written, host, withPort].filter(Boolean))];
}

/** `security` prints the password, which coder stores as the base64 of the JSON. */
async function readMac(run: CommandRunner): Promise<KeyringResult> {
  // The system's own tool; a PATH lookup only where it is not at its usual place (tests use a fake on PATH).
  const security = existsSync("/usr/bin/security") ? "/usr/bin/security" : "security";
  const result = await run(security, [
    "find-generic-password",
    "-s",
    CODER_KEYRING_SERVICE,
    "-wa",
    CODER_KEYRING_ACCOUNT,
  ]);
  if (result.code === 0)
    return { kind: "found", token: Buffer.from(result.stdout.trim(), "base64").toString("utf8") };
  if (/could not be found/i.test(result.stderr + result.stdout)) return { kind: "absent" };
  return { kind: "unreadable", reason: firstLine(result.stderr) || `security exited with ${result.code}` };
}

/**
 * Windows' Credential Manager cannot print a blob from `cmdkey` or plain PowerShell, so a few lines of C#
 * through `Add-Type` call `CredRead`; the blob comes back as base64 so no console encoding can mangle it.
 */
const POWERSHELL_READ = `
$ErrorActionPreference = 'Stop'
Add-Type -TypeDefinition @'
using System; using System.Runtime.InteropServices;
public static class SptCoderCred {
  [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
  public struct CREDENTIAL {
    public int Flags; public int Type; public string TargetName; public string Comment; public long LastWritten;
    public int CredentialBlobSize; public IntPtr CredentialBlob; public int Persist; public int AttributeCount;
    public IntPtr Attributes; public string TargetAlias; public string UserName;
  }
  [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
  public static extern bool CredRead(string target, int type, int flags, out IntPtr cred);
  [DllImport("advapi32.dll")] public static extern void CredFree(IntPtr cred);
  public static string Read(string target) {
    IntPtr p;
    if (!CredRead(target, 1, 0, out p)) return null;
    try {
      var c = (CREDENTIAL)Marshal.PtrToStructure(p, typeof(CREDENTIAL));
      var bytes = new byte[c.CredentialBlobSize];
      Marshal.Copy(c.CredentialBlob, bytes, 0, c.CredentialBlobSize);
      return Convert.ToBase64String(bytes);
    } finally { CredFree(p); }
  }
}
'@
$blob = [SptCoderCred]::Read('${CODER_KEYRING_SERVICE}')
if ($blob -eq $null) { Write-Output 'not-found'; exit 0 }
Write-Output $blob
`;

async function readWindows(run: CommandRunner): Promise<KeyringResult> {
  const encoded = Buffer.from(POWERSHELL_READ, "utf16le").toString("base64");
  const result = await run("powershell.exe", ["-NoProfile", "-NonInteractive", "-EncodedCommand", encoded]);
  if (result.code !== 0) {
    return {
      kind: "unreadable",
      reason: firstLine(result.stderr) || `powershell.exe exited with ${result.code}`,
    };
  }
  const out = result.stdout.trim();
  if (out === "not-found") return { kind: "absent" };
  const bytes = Buffer.from(out, "base64");
  // The Go keyring library writes the string's UTF-8 bytes; a UTF-16 blob (other writers) is read too.
  const text = bytes.length > 1 && bytes[1] === 0 ? bytes.toString("utf16le") : bytes.toString("utf8");
  return { kind: "found", token: text };
}

/** Picks the first of `hosts` with an entry in the stored JSON; `found.token` here is the raw JSON text. */
function tokenFor(json: string, hosts: string[]): KeyringResult {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return { kind: "unreadable", reason: "the stored value is not the JSON the coder CLI writes" };
  }
  if (data === null || typeof data !== "object") {
    return { kind: "unreadable", reason: "the stored value is not the JSON the coder CLI writes" };
  }
  for (const host of hosts) {
    const entry = Object.hasOwn(data, host) ? (data as Record<string, unknown>)[host] : undefined;
    const token = (entry as { api_token?: unknown } | undefined)?.api_token;
    if (typeof token === "string" && token.trim()) return { kind: "found", token: token.trim() };
  }
  return { kind: "absent" };
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0]?.trim() ?? "";
}
