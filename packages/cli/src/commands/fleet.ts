import { resolve } from "node:path";
import { DEFAULT_TEMPLATE, type FleetSpec, type FleetSummary } from "@spt-coder/sdk";
import { defineCommand } from "../command.js";
import {
  AlreadyReportedError,
  badNumberFlag,
  CliError,
  InterruptedError,
  interruptedBy,
  UsageError,
} from "../errors.js";
import { ExitCode, type InterruptSignal, interruptExitCode } from "../exit-codes.js";
import { readFleetFile } from "../fleet-file.js";
import { type ParameterFlags, ParameterInputError } from "../parameter-errors.js";
import { openSession } from "../session.js";
import { shippedTemplateDir } from "../template-dir.js";
import { FleetProgress } from "../ui/fleet-progress.js";
import { type ExplainError, renderFleetJson, renderFleetText } from "../ui/fleet-summary.js";
import { orgArg, outputArg, waitArg } from "./shared.js";

interface FleetArgs {
  action: string;
  file?: string;
  org?: string;
  dryRun: boolean;
  concurrency?: number;
  prune: boolean;
  wait: boolean;
  output: "text" | "json";
}

const EPILOGUE = `The declaration (YAML or JSON):
  name: class-a                 # optional; with --prune, "class-a-" is the prune prefix
  template: spt-flow            # defaults for every workspace: template, template_dir,
  template_dir: ./template      #   preset, owner, parameters, variables
  parameters: { repo_url: https://github.com/org/repo }
  workspaces:
    - name: class-a-alice
    - name: class-a-bob
      parameters: { repo_url: https://github.com/org/other }
Folders are relative to the file. Running it again creates nothing; exit 0 only when every workspace is up.`;

/** `spt-coder fleet apply -f fleet.yaml`: many workspaces from one declaration. */
export const fleetCommand = defineCommand<FleetArgs>({
  command: "fleet <action>",
  describe: "Provision many workspaces from one declaration (fleet apply -f fleet.yaml)",
  positionals: { action: { choices: ["apply"], describe: "What to do: apply the declaration" } },
  args: {
    ...orgArg,
    file: { alias: "f", type: "string", describe: "The fleet declaration (YAML or JSON)" },
    "dry-run": {
      type: "boolean",
      default: false,
      describe: "Say what would be created, started, reused and pruned; change nothing",
    },
    concurrency: {
      type: "number",
      describe: "Workspace builds in flight (default: the online provisioner daemons, else 3)",
    },
    prune: {
      type: "boolean",
      default: false,
      describe: "Delete workspaces under the fleet's prefix that the declaration no longer lists",
    },
    ...waitArg,
    ...outputArg(["text", "json"]),
  },
  examples: [
    ["spt-coder fleet apply -f fleet.yaml", "Create or start every workspace in fleet.yaml"],
    ["spt-coder fleet apply -f fleet.yaml --dry-run", "Show what would happen"],
    ["spt-coder fleet apply -f fleet.yaml --prune -o json", "Also delete leftovers; a JSON summary"],
  ],
  epilogue: EPILOGUE,
  async handler(args, ctx) {
    if (!args.file) throw new UsageError("No declaration: give -f fleet.yaml (YAML or JSON).");
    const concurrency = args.concurrency;
    if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1))
      throw badNumberFlag("--concurrency", "a whole number of at least 1", "3", concurrency);
    const sdk = await ctx.sdk();
    const path = resolve(ctx.cwd, args.file);
    const file = await readFleetFile(path, sdk.nameProblem);
    for (const spec of file.specs)
      ctx.keepSecrets([...Object.values(spec.parameters ?? {}), ...Object.values(spec.variables ?? {})]);
    const specs = file.specs.map(withShippedTemplate);
    const prefix = args.prune ? (file.prunePrefix ?? (file.name ? `${file.name}-` : undefined)) : undefined;
    if (args.prune && !prefix)
      throw new UsageError(`--prune needs a prefix: set \`name\` or \`prune_prefix\` in ${args.file}.`);
    const session = await openSession(ctx, { url: args.url, token: args.token, org: args.org });
    const progress = new FleetProgress({
      write: (text) => ctx.stderr(text),
      control: (sequence) => ctx.control(sequence),
      tty: ctx.isTTY.stderr && args.output !== "json",
      colors: ctx.colors,
      total: specs.length,
    });
    const scope = ctx.trapInterrupts(() =>
      ctx.stderr("\nStopping: no new workspaces; builds already running keep going on the server.\n"),
    );
    let summary: FleetSummary;
    try {
      summary = await sdk.upMany(specs, {
        url: session.url,
        token: session.token,
        fetch: await ctx.httpFetch(),
        org: session.org,
        concurrency,
        dryRun: args.dryRun,
        prune: prefix ? { prefix } : undefined,
        wait: args.wait,
        signal: scope.signal,
        onEvent: (event) => progress.handle(event),
      });
    } finally {
      progress.close();
      scope.dispose();
    }
    const { reportError, errorJson } = await import("../report.js");
    // A rejected value came from the declaration, not from a flag: the report names where to fix it.
    const explain = (error: Error) =>
      reportError(
        error instanceof sdk.ParameterValidationError && !(error instanceof sdk.MissingBuildParametersError)
          ? new ParameterInputError(error, fileFlags(error.problems, args.file ?? "the declaration"))
          : error,
      );
    ctx.stdout(
      args.output === "json"
        ? renderFleetJson(summary, explain, errorJson)
        : renderFleetText(summary, ctx.colors, explain),
    );
    failUnlessOk(summary, args.output === "json", scope.received, explain);
  },
});

/** `spt-flow` without a folder is pushed from the copy shipped with the CLI, as `up` does. */
function withShippedTemplate(spec: FleetSpec): FleetSpec {
  if (spec.templateDir || (spec.template ?? DEFAULT_TEMPLATE) !== DEFAULT_TEMPLATE) return spec;
  return { ...spec, templateDir: shippedTemplateDir() };
}

/** Where each rejected parameter is set: `parameters.<name>` in the declaration. */
function fileFlags(problems: { name: string }[], file: string): ParameterFlags {
  return Object.fromEntries(problems.map((p) => [p.name, `parameters.${p.name} in ${file}`]));
}

/** Exit 0 only when every item succeeded; the summary on stdout already says which did not. */
function failUnlessOk(
  summary: FleetSummary,
  json: boolean,
  signal: InterruptSignal | undefined,
  explain: ExplainError,
): void {
  if (summary.ok) return;
  const bad = summary.items.filter((i) => !["created", "started", "reused"].includes(i.outcome));
  const prunes = summary.pruned.filter((p) => p.outcome === "failed");
  const message = summary.aborted
    ? `${interruptedBy(signal)}: ${summary.counts.canceled} workspace(s) not started; builds already running keep going on the server.`
    : `${bad.length} of ${summary.items.length} workspace(s) did not come up${prunes.length ? `, ${prunes.length} prune(s) failed` : ""}.`;
  if (summary.aborted) {
    if (json) throw new AlreadyReportedError(message, { exitCode: interruptExitCode(signal) });
    throw new InterruptedError(message, { signal });
  }
  const first = bad[0]?.error ?? prunes[0]?.error;
  const exitCode = first ? explain(first).exitCode : ExitCode.api;
  const suggestion = "Fix what the summary shows and run the same command again: what exists is reused.";
  if (json) throw new AlreadyReportedError(message, { exitCode });
  throw new CliError(message, { exitCode, suggestion });
}
