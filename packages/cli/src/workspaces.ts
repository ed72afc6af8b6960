import type { Workspace } from "@spt-coder/sdk";
import { CliError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";
import type { Session } from "./session.js";

/** Finds a workspace by `name` (yours) or `owner/name`; a missing one is exit 4 with a hint. */
export async function findWorkspace(session: Session, ref: string, signal?: AbortSignal): Promise<Workspace> {
  const parts = ref.split("/");
  if (parts.length > 2 || parts.some((p) => p === "")) {
    throw new CliError(`Invalid workspace name: "${ref}" (use name or owner/name).`, {
      exitCode: ExitCode.usage,
    });
  }
  const [owner, name] = parts.length === 2 ? (parts as [string, string]) : ["me", parts[0] ?? ""];
  const workspace = await session.client.workspaces.getByName(owner, name, { signal });
  if (!workspace) {
    throw new CliError(`Workspace "${ref}" was not found.`, {
      exitCode: ExitCode.notFound,
      suggestion: "List your workspaces with: spt-coder list",
    });
  }
  return workspace;
}

/** "3m ago", "2h ago", "5d ago" for a timestamp (Coder's list shows relative build times). */
export function ago(iso: string, now = Date.now()): string {
  const ms = now - Date.parse(iso);
  if (Number.isNaN(ms)) return "-";
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}
