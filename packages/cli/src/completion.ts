/**
 * Shell completion: yargs' own candidates with the flags spelled as they are typed (yargs offers `--O` for the
 * one-letter alias `-O`), plus workspace and template names from the configured deployment. The server is asked
 * only when a session is configured, with a short deadline and no retries; any failure offers no names.
 */
import { resolveConfig } from "./config.js";
import type { Io } from "./io.js";

/**
 * How long a completion may wait for the server: a shell user notices anything longer. SPT_COMPLETION_DEADLINE_MS
 * sets another, for a deployment that is slower to answer (or a machine that is busy).
 */
const SERVER_DEADLINE_MS = 1500;

function deadlineMs(env: Io["env"]): number {
  const ms = Number(env.SPT_COMPLETION_DEADLINE_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : SERVER_DEADLINE_MS;
}
/** Commands whose positional is a workspace name. */
const WORKSPACE_COMMANDS = new Set(["status", "logs", "start", "stop", "delete"]);

/** `--O` → `-O`, keeping zsh's `name:description` form. */
export function fixFlagSpelling(candidates: readonly string[]): string[] {
  return candidates.map((c) => (/^--[^-](:|$)/.test(c) ? c.slice(1) : c));
}

/** Names the server can offer for the word being completed, or [] (no session, slow or failing server). */
export async function serverNames(io: Io, words: readonly string[], current: string): Promise<string[]> {
  if (current.startsWith("-")) return [];
  const args = words.filter((w) => w !== "spt-coder");
  const previous = args.at(-2);
  const wantsTemplate = previous === "-t" || previous === "--template";
  const wantsWorkspace = !wantsTemplate && WORKSPACE_COMMANDS.has(args[0] ?? "") && args.length === 2;
  if (!wantsTemplate && !wantsWorkspace) return [];
  try {
    const config = await resolveConfig({ flags: {}, env: io.env, home: io.home });
    if (!config.url || !config.token) return [];
    const { createCoderClient, createNodeFetch, resolveOrganization } = await import("@spt-coder/sdk");
    const deadline = deadlineMs(io.env);
    const client = createCoderClient({
      url: config.url.value,
      token: config.token.value,
      timeoutMs: deadline,
      maxRetries: 0,
      fetch: io.fetch ?? createNodeFetch(),
    });
    const call = { signal: AbortSignal.timeout(deadline) };
    if (wantsWorkspace) {
      const { workspaces } = await client.workspaces.list({ q: "owner:me" }, call);
      return workspaces.map((w) => w.name);
    }
    const org = await resolveOrganization(client, config.org?.value);
    return (await client.templates.list(org.id, call)).map((t) => t.name);
  } catch {
    return [];
  }
}

/** yargs' completion `output` (one candidate a line) with the flags fixed and the server's names added. */
export async function completeWithServer(io: Io, words: readonly string[], output: string): Promise<string> {
  const candidates = fixFlagSpelling(output.split("\n").filter(Boolean));
  const names = await serverNames(io, words, words.at(-1) ?? "");
  // Where a name is wanted, the names are the answer; flags only when the server offered none.
  return (names.length > 0 ? names : candidates).join("\n");
}

/** Help for `spt-coder completion --help` (yargs would print the script instead). */
export const COMPLETION_HELP = `spt-coder completion

Print a shell completion script (bash; zsh when $SHELL is zsh). Completes commands and flags, and workspace and
template names from the deployment you are logged in to (asked with a 1.5 s deadline, SPT_COMPLETION_DEADLINE_MS
to change it; nothing offered when it does not answer).

Examples:
  spt-coder completion >> ~/.bashrc        Install for bash (open a new shell afterwards)
  spt-coder completion >> ~/.zshrc         Install for zsh (with SHELL=zsh)
`;
