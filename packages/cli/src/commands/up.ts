import { resolve } from "node:path";
import {
  DEFAULT_TEMPLATE,
  ParameterValidationError,
  type PushConfirmation,
  type UpResult,
} from "@spt-coder/sdk";
import { type Ctx, defineCommand, type Sdk } from "../command.js";
import { CliError, UsageError } from "../errors.js";
import { runFlow } from "../flow-runner.js";
import { workspaceNameFromRepo } from "../names.js";
import { type ParameterFlags, ParameterInputError } from "../parameter-errors.js";
import { paramArgs, parameterInputs, parsePairs } from "../params.js";
import { openSession, type Session } from "../session.js";
import { hasTerraformFiles, shippedTemplateDir, templateDirProblem } from "../template-dir.js";
import { renderJson, renderTable } from "../ui/table.js";
import { orgArg, outputArg, waitArg, yesArg } from "./shared.js";

/** The repository the demo opens: the spt-flow template's own default. */
const DEMO_REPO = "https://github.com/marcuspat/turbo-flow-claude";

interface UpArgs {
  org?: string;
  template: string;
  templateDir?: string;
  repo?: string;
  name?: string;
  param?: string[];
  paramFile?: string;
  preset?: string;
  var?: string[];
  templateVersion?: string;
  automaticUpdates?: "always" | "never";
  wait: boolean;
  yes: boolean;
  output: "text" | "json";
  demo: boolean;
}

/** `spt-coder up`: the decision tree from a repository URL to a ready workspace. */
export const upCommand = defineCommand<UpArgs>({
  command: "up",
  describe: "Create or start a workspace for a repository, pushing the template first if the server lacks it",
  args: {
    ...orgArg,
    template: { alias: "t", type: "string", default: DEFAULT_TEMPLATE, describe: "Template name" },
    "template-dir": {
      type: "string",
      describe:
        "Template folder, pushed when the template is missing (default: the shipped spt-flow template)",
    },
    repo: { type: "string", describe: "Git repository URL (sets the repo_url parameter)" },
    name: { type: "string", describe: "Workspace name (default: derived from the repository name)" },
    ...paramArgs,
    preset: {
      type: "string",
      describe:
        "Template preset to apply (its values win); default: the template's default preset; none: no preset",
    },
    var: { type: "string", array: true, describe: "Template variable name=value for a push (repeatable)" },
    "template-version": {
      type: "string",
      describe: "Create (or start) from this template version name instead of the active one",
    },
    "automatic-updates": {
      choices: ["always", "never"],
      describe: "always: every start uses the template's active version (Coder's default: never)",
    },
    ...waitArg,
    ...yesArg,
    ...outputArg(["text", "json"]),
    demo: {
      type: "boolean",
      default: false,
      describe: "Run against an in-memory fake Coder on loopback (no Coder or Docker needed)",
    },
  },
  examples: [
    ["spt-coder up --repo https://github.com/org/repo", "A ready workspace for the repository"],
    ["spt-coder up --repo <git url> -o json", "The same, for scripts"],
    ["spt-coder up --demo", "Try it without a Coder server"],
    ["spt-coder up --repo <git url> --template-version brave_curie3", "Try a version before promoting it"],
  ],
  async handler(args, ctx) {
    const demo = args.demo ? await startDemo(ctx) : undefined;
    try {
      await runUp(args, ctx, demo);
    } finally {
      await demo?.close();
    }
  },
});

async function runUp(args: UpArgs & { url?: string; token?: string }, ctx: Ctx, demo: Demo | undefined) {
  if (args.repo !== undefined && args.repo.trim() === "") {
    throw new UsageError("--repo needs a git repository URL, e.g. --repo https://github.com/org/repo.");
  }
  const repo = args.repo ?? (demo ? DEMO_REPO : undefined);
  const inputs = await parameterInputs(args);
  ctx.keepSecrets(Object.values(inputs.values));
  const parameters = withRepo(args, repo, inputs.values);
  const variables = parsePairs("--var", args.var);
  const name = args.name ?? (repo ? workspaceNameFromRepo(repo) : undefined) ?? (await askName(ctx));
  const templateDir = resolveTemplateDir(args, ctx);
  const session: Session = demo
    ? {
        client: await ctx.connect({ url: demo.url, token: demo.token }),
        url: demo.url,
        token: demo.token,
        org: undefined,
      }
    : await openSession(ctx, { url: args.url, token: args.token, org: args.org }, { askUrl: true });
  const sdk = await ctx.sdk();
  // repo_url is named by --repo, which sets it, unless only --param or --param-file did.
  const flags: ParameterFlags = { repo_url: "--repo <git url>", ...inputs.flags };
  if (args.repo !== undefined) flags.repo_url = "--repo <git url>";
  const result = await runFlow(ctx, { workspace: name }, (signal, onEvent) =>
    sdk.up({
      client: session.client,
      // openSession checked the URL before it sent the token; the demo's fake was not checked.
      serverChecked: demo === undefined,
      confirmPush:
        ctx.canPrompt && !args.yes && !demo ? (push) => confirmPush(ctx, session, push) : undefined,
      org: session.org,
      template: args.template,
      templateDir,
      workspace: name,
      parameters,
      preset: args.preset,
      variables,
      templateVersion: args.templateVersion,
      automaticUpdates: args.automaticUpdates,
      wait: args.wait,
      signal,
      onEvent,
    }),
  ).catch((error: unknown) => {
    throw error instanceof ParameterValidationError ? new ParameterInputError(error, flags) : error;
  });
  printResult(ctx, sdk, args, session, result);
}

/** The parameter values with `--repo` as `repo_url`, refusing a `--param repo_url=` that says otherwise. */
function withRepo(
  args: UpArgs,
  repo: string | undefined,
  values: Record<string, string>,
): Record<string, string> {
  const parameters = { ...values };
  if (repo !== undefined) {
    if (args.param?.some((p) => String(p).startsWith("repo_url=")) && parameters.repo_url !== repo) {
      throw new UsageError("--repo and --param repo_url=... disagree; give one of them.");
    }
    parameters.repo_url = repo;
  }
  return parameters;
}

async function askName(ctx: Ctx): Promise<string> {
  if (!ctx.canPrompt) {
    throw new UsageError("No workspace name: give --name, or --repo to derive it from the repository.");
  }
  const name = await ctx.prompt("Specify a name for your workspace:");
  if (!name) throw new UsageError("No workspace name was given.");
  return name;
}

/**
 * The folder `up` may push from: `--template-dir`; for `spt-flow`, the copy shipped with the CLI; for other
 * templates, the current folder when it holds a template. `undefined` means "no folder": a missing template is
 * then the SDK's TemplateUnavailableError, which the report turns into the commands that fix it.
 */
function resolveTemplateDir(args: UpArgs, ctx: Ctx): string | undefined {
  if (args.templateDir !== undefined) {
    const dir = resolve(ctx.cwd, args.templateDir);
    const problem = templateDirProblem("--template-dir", dir);
    if (problem) throw new UsageError(problem);
    return dir;
  }
  if (args.template === DEFAULT_TEMPLATE) return shippedTemplateDir();
  return hasTerraformFiles(ctx.cwd) ? ctx.cwd : undefined;
}

/**
 * On a terminal, asks before uploading a folder, as `coder templates push` does (`Upload "<dir>"?`). The flow
 * calls it once it found the template missing, so nothing is looked up twice.
 */
async function confirmPush(ctx: Ctx, session: Session, push: PushConfirmation): Promise<void> {
  const shown = push.dir.startsWith(ctx.home) ? `~${push.dir.slice(ctx.home.length)}` : push.dir;
  const ok = await ctx.confirm(
    `Template "${push.template}" is not on ${session.url}. Upload "${shown}" to create it?`,
    true,
  );
  if (!ok) throw new CliError("Canceled: nothing was created.", { exitCode: 1 });
}

function printResult(ctx: Ctx, sdk: Sdk, args: UpArgs, session: Session, result: UpResult) {
  const { workspace, build, apps } = result;
  const dashboard = sdk.workspaceDashboardUrl(session.url, workspace);
  if (args.output === "json") {
    ctx.stdout(
      renderJson({
        workspace,
        build,
        apps,
        created: result.created,
        template_created: result.templateCreated,
        degraded: result.degraded,
        dashboard_url: dashboard,
      }),
    );
    return;
  }
  if (!args.wait) {
    ctx.stdout(
      `Workspace ${workspace.name} is building in the background (${result.created ? "created" : "existing"}).\n` +
        `Follow it with: spt-coder logs ${workspace.name}\n`,
    );
    return;
  }
  const how = result.created ? "created" : `reused, build #${build.build_number}`;
  const state = result.degraded ? "; a startup script failed, it may be incomplete" : "";
  ctx.stdout(`Workspace ${workspace.name} is running (${how}${state}).\n`);
  ctx.stdout(
    renderTable(["App", "URL"], [["Dashboard", dashboard], ...apps.map((a) => [a.display_name, a.url])]),
  );
}

interface Demo {
  url: string;
  token: string;
  close(): Promise<void>;
}

/** `--demo`: the fake Coder on loopback, loaded only here (it is not part of the bundle). */
async function startDemo(ctx: Ctx): Promise<Demo> {
  const { startFakeCoder } = await import("@spt-coder/fake-coder");
  const fake = await startFakeCoder({});
  ctx.stderr(
    `${ctx.colors.magenta("demo")} An in-memory fake Coder is listening on ${fake.url} (nothing real is created).\n`,
  );
  return { url: fake.url, token: fake.token, close: async () => void (await fake.close()) };
}
