import type { CoderClient } from "@spt-coder/sdk";
import { type Ctx, defineCommand } from "../command.js";
import { forgetOwnToken, ownConfigFile, readOwnSession } from "../config.js";
import { AlreadyReportedError, CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { confirmOrStop } from "../lifecycle.js";
import { renderJson } from "../ui/table.js";
import { outputArg, yesArg } from "./shared.js";

/** What became of the stored session on the server. */
type Revocation =
  | { state: "ended" }
  | { state: "already-invalid" }
  | { state: "not-ended"; reason: string }
  | { state: "no-token" };

/**
 * `spt-coder logout`: ends the session `spt-coder login` stored, as `coder logout` does: the server is asked to
 * delete the token's API key (`POST /users/logout`), then the token is forgotten locally, even when the server
 * could not be reached (then the token may still work, and the command says so and fails). A login made with
 * the coder CLI is left to `coder logout`.
 */
export const logoutCommand = defineCommand<{ yes: boolean; output: "text" | "json" }>({
  command: "logout",
  describe: "End the session spt-coder login stored, on the server too, and forget its token (asks first)",
  args: { ...yesArg, ...outputArg(["text", "json"]) },
  examples: [["spt-coder logout --yes", "Log out without asking"]],
  epilogue:
    "The server deletes the token, so copies of it stop working too. Only spt-coder's own config is changed locally; `coder logout` handles a coder CLI login.",
  async handler(args, ctx) {
    await confirmOrStop(ctx, args.yes, "Log out (the token stops working everywhere)?", "log out");
    const stored = await readOwnSession(ctx.env, ctx.home);
    const revocation = await endOnServer(ctx, stored);
    const forgotten = await forgetOwnToken(ctx.env, ctx.home);
    const file = ownConfigFile(ctx.env, ctx.home);
    if (args.output === "json") {
      ctx.stdout(
        renderJson({
          logged_out: forgotten,
          ended_on_server: revocation.state === "ended" || revocation.state === "already-invalid",
          config_file: file,
          ...(revocation.state === "not-ended" ? { server_error: revocation.reason } : {}),
        }),
      );
    } else {
      ctx.stdout(`${describe(revocation, forgotten, file)}\n`);
    }
    if (revocation.state === "not-ended") {
      const message = `The session could not be ended on the server: ${revocation.reason}`;
      // With -o json the document above already says so: stdout stays one JSON document.
      if (args.output === "json") throw new AlreadyReportedError(message, { exitCode: ExitCode.api });
      throw new CliError(message, {
        exitCode: ExitCode.api,
        suggestion: "The token may still work: revoke it in the Coder dashboard (Account > Tokens).",
      });
    }
  },
});

async function endOnServer(ctx: Ctx, stored: { url?: string; token?: string }): Promise<Revocation> {
  if (stored.token === undefined) return { state: "no-token" };
  if (stored.url === undefined)
    return { state: "not-ended", reason: "no Coder URL was stored with the token" };
  const sdk = await ctx.sdk();
  let client: CoderClient | undefined;
  try {
    client = await ctx.connect({ url: stored.url, token: stored.token });
    await client.users.logout();
    return { state: "ended" };
  } catch (error) {
    // A token the server no longer knows (expired, revoked in the dashboard) is as ended as it gets.
    if (error instanceof sdk.CoderAuthError) return { state: "already-invalid" };
    // The logout is not sent twice (a POST), but its answer may be what was lost: if the server now refuses the
    // token, the session did end.
    if (
      client &&
      (await client.users.me().then(
        () => false,
        (e) => e instanceof sdk.CoderAuthError,
      ))
    )
      return { state: "ended" };
    return { state: "not-ended", reason: error instanceof Error ? error.message : String(error) };
  }
}

function describe(revocation: Revocation, forgotten: boolean, file: string): string {
  switch (revocation.state) {
    case "ended":
      return `Ended the session on the server and forgot its token (${file}). Log in again with: spt-coder login`;
    case "already-invalid":
      return `The server no longer knew the stored token; forgot it (${file}).`;
    case "not-ended":
      return `Forgot the token stored in ${file}${forgotten ? "" : " (it was already gone)"}.`;
    case "no-token":
      return `No session token was stored in ${file}; nothing to do.`;
  }
}
