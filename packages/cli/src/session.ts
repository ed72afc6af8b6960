import type { CoderClient } from "@spt-coder/sdk";
import type { Ctx } from "./command.js";
import type { ResolvedConfig } from "./config.js";
import { saveOwnConfig } from "./config.js";
import { AuthRequiredError, UsageError } from "./errors.js";

/** A checked connection to one Coder deployment. */
export interface Session {
  client: CoderClient;
  url: string;
  token: string;
  org: string | undefined;
}

/** Flags that pick the deployment. */
export interface SessionFlags {
  url?: string | undefined;
  token?: string | undefined;
  org?: string | undefined;
}

const URL_TRIES = 3;
const NO_URL_HINT = "Pass --url <url> or set CODER_URL (or run `spt-coder login <url>` once).";
const SERVER_HINT = "No Coder yet? `spt-coder server` starts one locally in Docker.";

/**
 * Resolves the deployment and the token and checks that the URL is a Coder server before the token is sent
 * anywhere (the check runs without it). On a terminal a missing or unusable URL is asked for again, with the
 * reason, up to three times; without one it is a usage error that names `--url` / `CODER_URL`.
 */
export async function openSession(
  ctx: Ctx,
  flags: SessionFlags,
  options: { askUrl?: boolean; offerSave?: boolean } = {},
): Promise<Session> {
  const sdk = await ctx.sdk();
  let config = await ctx.resolveConfig(flags);
  let url = config.url?.value;
  let source: string = config.url?.source ?? "prompt";
  const ask = options.askUrl === true && ctx.canPrompt;
  for (let tries = 0; ; tries++) {
    if (url !== undefined) {
      const problem = doubledApiPath(url) ?? (await urlProblem(ctx, sdk, url));
      if (problem === undefined) break;
      if (!ask || tries >= URL_TRIES) {
        throw new UsageError(`The Coder URL "${sdk.redactUrl(url)}" cannot be used: ${problem}`, {
          suggestion: `Check --url / CODER_URL (this one came from the ${source}). ${SERVER_HINT}`,
        });
      }
      ctx.stderr(`${ctx.colors.red("✘")} ${problem}\n`);
    } else if (!ask || tries >= URL_TRIES) {
      throw new UsageError("No Coder URL was given.", { suggestion: `${NO_URL_HINT} ${SERVER_HINT}` });
    }
    if (tries === 0)
      ctx.stderr(`${SERVER_HINT.replace("`spt-coder server`", ctx.colors.bold("spt-coder server"))}\n`);
    url = (await ctx.prompt("Coder URL:")) || undefined;
    source = "prompt";
    // A typed URL replaces the configured one; stored tokens follow it only if they were stored for it.
    config = url === undefined ? { ...config, url: undefined } : await ctx.resolveConfig({ ...flags, url });
  }
  if (ctx.verbose) {
    ctx.stderr(ctx.colors.dim(`Using the Coder URL from the ${source}: ${url}\n`));
  }
  const typed = config.token === undefined;
  const token = await sessionToken(ctx, config, url);
  const client = await ctx.connect({ url, token });
  if (typed && options.offerSave !== false) await offerToSave(ctx, client, token);
  return { client, url: client.url, token, org: flags.org ?? config.org?.value };
}

/**
 * After a token typed at the prompt works, offers to store it with its URL, as `spt-coder login` does, so that
 * the next command does not ask again.
 */
async function offerToSave(ctx: Ctx, client: CoderClient, token: string): Promise<void> {
  await client.users.me(); // a typed token that does not work is reported now, and never stored
  const save = await ctx.confirm(
    `Save ${client.url} and this token for later commands, as \`spt-coder login\` does?`,
    true,
  );
  if (!save) return;
  const file = await saveOwnConfig(ctx.env, ctx.home, { url: client.url, token });
  ctx.stderr(ctx.colors.dim(`Saved the URL and token to ${file} (mode 0600).\n`));
}

async function sessionToken(ctx: Ctx, config: ResolvedConfig, url: string): Promise<string> {
  if (config.token) {
    if (ctx.verbose) ctx.stderr(ctx.colors.dim(`Using the session token from ${config.token.source}.\n`));
    return config.token.value;
  }
  if (!ctx.canPrompt) {
    throw new AuthRequiredError("You are not logged in: no session token was given.", {
      suggestion: `Run \`spt-coder login ${url}\`, or set CODER_SESSION_TOKEN.`,
    });
  }
  ctx.stderr(`Open ${url.replace(/\/+$/, "")}/cli-auth in a browser to get a session token.\n`);
  const token = await ctx.prompt("Paste your token here:", { secret: true });
  if (!token) throw new AuthRequiredError("No session token was given.");
  return token;
}

/** Why `url` is not a usable Coder deployment, or undefined when it is. Other errors propagate. */
async function urlProblem(
  ctx: Ctx,
  sdk: Awaited<ReturnType<Ctx["sdk"]>>,
  url: string,
): Promise<string | undefined> {
  try {
    // Without the token: it must not reach a server before we know it is Coder.
    const probe = await ctx.connect({ url });
    await sdk.checkCoderServer(probe);
    return undefined;
  } catch (error) {
    if (
      error instanceof sdk.CoderConnectionError ||
      error instanceof sdk.CoderInvalidInputError ||
      error instanceof sdk.CoderTimeoutError
    ) {
      return error.message;
    }
    throw error;
  }
}

/**
 * A URL that already ends in `/api/v2` (copied from an API request) would make every request go to
 * `/api/v2/api/v2/...`, which Coder answers with 404 "Route not found.": say so instead of "not a Coder server".
 */
function doubledApiPath(url: string): string | undefined {
  const match = /^(.*?)\/api\/v2\/?$/i.exec(url.trim());
  if (!match) return undefined;
  const base = match[1] || url;
  return `it ends in /api/v2, which spt-coder adds to every request itself (the path would be doubled: /api/v2/api/v2/...). Give the address you open Coder at in a browser: --url ${base}`;
}
