/** What an exec run comes to: the output kept for its result, and the error when its exit status never came. */
import { CoderApiError } from "../errors/base.js";
import { ExecError } from "../errors/exec.js";
import type { PtyEnd } from "./pty.js";

/** The error for a connection that ended without the exit marker. */
export function failure(
  end: PtyEnd,
  where: string,
  agentId: string,
  started: boolean,
  output: string,
): Error {
  if (end.kind === "refused") {
    const { status, body } = end.answer;
    const json = parseJson(body);
    if (typeof json?.message === "string" && json.message) {
      return CoderApiError.from({
        status,
        message: json.message,
        detail: typeof json.detail === "string" ? json.detail : undefined,
        method: "GET",
        path: `/api/v2/workspaceagents/${agentId}/pty`,
      });
    }
    const title = /<title>([^<]{1,200})<\/title>/i.exec(body)?.[1]?.trim();
    return new ExecError(
      `coderd refused the terminal of ${where} (HTTP ${status}${title ? `: ${title}` : ""}).`,
      {
        reason: "refused",
        output,
        status,
      },
    );
  }
  if (end.kind === "lost") {
    return new ExecError(
      `The connection to the terminal of ${where} was lost (${end.reason}); the command may still be running.`,
      { reason: "connection_lost", output },
    );
  }
  const said = end.reason ? `: ${end.reason}` : "";
  if (end.code === 1011) {
    return new ExecError(`coderd could not reach ${where} (close ${end.code}${said}).`, {
      reason: "agent_unreachable",
      output,
      closeCode: end.code,
    });
  }
  // coderd ends a finished session without a close frame, as a cut connection looks: both causes are named.
  return started
    ? new ExecError(
        `The terminal of ${where} closed before the command's exit status came (close ${end.code}${said}): its shell was killed, the agent stopped, or the connection ended; the command may still be running.`,
        { reason: "no_exit_status", output, closeCode: end.code },
      )
    : new ExecError(
        `The terminal of ${where} closed before the command started (close ${end.code}${said}): the agent could not run /bin/sh (or, for a long command, stty), or the connection ended.`,
        { reason: "not_started", output, closeCode: end.code },
      );
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The output kept for the result: the first `limit` bytes. */
export class KeptOutput {
  truncated = false;
  private readonly parts: string[] = [];
  private bytes = 0;
  constructor(private readonly limit: number) {}
  add(text: string): void {
    if (this.truncated) return;
    const size = Buffer.byteLength(text);
    if (this.bytes + size <= this.limit) {
      this.parts.push(text);
      this.bytes += size;
      return;
    }
    const room = Buffer.from(text).subarray(0, this.limit - this.bytes);
    this.parts.push(new TextDecoder().decode(room).replace(/\uFFFD$/, ""));
    this.truncated = true;
  }
  text(): string {
    return this.parts.join("");
  }
}
