import { defineCommand } from "../command.js";
import { forgetOwnToken, ownConfigFile } from "../config.js";
import { confirmOrStop } from "../lifecycle.js";
import { renderJson } from "../ui/table.js";
import { outputArg, yesArg } from "./shared.js";

/**
 * `spt-coder logout`: forgets the token `spt-coder login` stored. The token itself stays valid on the server
 * (revoke it in the dashboard), and a login made with the coder CLI is left to `coder logout`.
 */
export const logoutCommand = defineCommand<{ yes: boolean; output: "text" | "json" }>({
  command: "logout",
  describe: "Forget the session token spt-coder login stored (asks first unless --yes)",
  args: { ...yesArg, ...outputArg(["text", "json"]) },
  examples: [["spt-coder logout --yes", "Forget the stored token without asking"]],
  epilogue:
    "Only spt-coder's own config is changed; the token stays valid on the server, and `coder logout` handles a coder CLI login.",
  async handler(args, ctx) {
    await confirmOrStop(ctx, args.yes, "Forget the stored session token?", "forget the stored session token");
    const removed = await forgetOwnToken(ctx.env, ctx.home);
    const file = ownConfigFile(ctx.env, ctx.home);
    if (args.output === "json") {
      ctx.stdout(renderJson({ logged_out: removed, config_file: file }));
      return;
    }
    ctx.stdout(
      removed
        ? `Forgot the session token stored in ${file}.\n`
        : `No session token was stored in ${file}; nothing to do.\n`,
    );
  },
});
