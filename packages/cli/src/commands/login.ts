import { type Ctx, defineCommand } from "../command.js";
import { ownConfigFile, saveOwnConfig } from "../config.js";
import { AuthRequiredError, UsageError } from "../errors.js";
import { openSession } from "../session.js";
import { renderJson } from "../ui/table.js";
import { orgArg, outputArg } from "./shared.js";

interface LoginArgs {
  target?: string;
  org?: string;
  tokenStdin: boolean;
  output: "text" | "json";
}

const TOKEN_TRIES = 3;

/**
 * `spt-coder login [url]`: checks that the URL is Coder and that the token works (`GET /users/me`), then stores
 * both in spt-coder's config (`$XDG_CONFIG_HOME/spt-coder/config.json`, mode 0600). The token is stored as given
 * (coder's `--use-token-as-session`); it is never echoed.
 */
export const loginCommand = defineCommand<LoginArgs>({
  command: "login [target]",
  describe: "Check a Coder URL and session token and store them for later commands",
  positionals: {
    target: { type: "string", describe: "Coder URL (default: --url, CODER_URL, or the stored one)" },
  },
  args: {
    ...orgArg,
    "token-stdin": {
      type: "boolean",
      default: false,
      describe: "Read the session token from standard input (unlike --token, it never shows in `ps`)",
    },
    ...outputArg(["text", "json"]),
  },
  async handler(args, ctx) {
    if (args.target !== undefined && args.url !== undefined && args.target !== args.url) {
      throw new UsageError("Give the URL once: as the argument or with --url.");
    }
    const url = args.target ?? args.url;
    const token = args.tokenStdin ? await tokenFromStdin(ctx, args.token) : args.token;
    const sdk = await ctx.sdk();
    let session = await openSession(
      ctx,
      { url, token, org: args.org },
      { askUrl: true, offerSave: false },
    ).catch((error: unknown) => {
      // Without a terminal nobody can paste a token: say what works in a script or CI instead.
      if (!(error instanceof AuthRequiredError) || ctx.canPrompt) throw error;
      const target = url ?? "<url>";
      throw new AuthRequiredError("login needs a terminal to paste the session token, and none was given.", {
        suggestion: `Pipe it in: \`printf %s "$TOKEN" | spt-coder login ${target} --token-stdin\`, or set CODER_SESSION_TOKEN (get a token at ${target}/cli-auth).`,
      });
    });
    let user: Awaited<ReturnType<typeof session.client.users.me>> | undefined;
    for (let tries = 1; user === undefined; tries++) {
      try {
        user = await session.client.users.me();
      } catch (error) {
        if (!(error instanceof sdk.CoderAuthError) || !ctx.canPrompt || tries >= TOKEN_TRIES) throw error;
        ctx.stderr(`${ctx.colors.red("✘")} That's not a valid token!\n`);
        const token = await ctx.prompt("Paste your token here:", { secret: true });
        if (!token) throw new AuthRequiredError("No session token was given.");
        session = { ...session, token, client: await ctx.connect({ url: session.url, token }) };
      }
    }
    const file = await saveOwnConfig(ctx.env, ctx.home, {
      url: session.url,
      token: session.token,
      ...(session.org ? { organization: session.org } : {}),
    });
    if (args.output === "json") {
      ctx.stdout(renderJson({ url: session.url, username: user.username, config_file: file }));
      return;
    }
    ctx.stderr(`Welcome to Coder, ${ctx.colors.bold(user.username)}! You're authenticated.\n`);
    ctx.stderr(
      ctx.colors.dim(`Saved the URL and token to ${ownConfigFile(ctx.env, ctx.home)} (mode 0600).\n`),
    );
  },
});

/** `--token-stdin`: the token piped in, trimmed; with `--token` too, or with nothing piped in, a usage error. */
async function tokenFromStdin(ctx: Ctx, flag: string | undefined): Promise<string> {
  if (flag !== undefined) throw new UsageError("Give the token once: with --token-stdin or with --token.");
  if (ctx.isTTY.stdin) {
    throw new UsageError("--token-stdin reads a token piped in, and standard input is a terminal.", {
      suggestion: 'Pipe it: printf %s "$TOKEN" | spt-coder login <url> --token-stdin',
    });
  }
  const token = (await ctx.readStdin()).trim();
  if (!token) throw new AuthRequiredError("No session token came on standard input.");
  return token;
}
