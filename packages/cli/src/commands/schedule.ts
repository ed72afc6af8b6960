import type { Workspace } from "@spt-coder/sdk";
import { type CommandDef, type Ctx, defineCommand, type GlobalArgs } from "../command.js";
import { CliError, UsageError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { parseAutostart, parseDuration } from "../schedule-parse.js";
import { openSession, type Session } from "../session.js";
import { renderFields, renderJson } from "../ui/table.js";
import { findWorkspace } from "../workspaces.js";
import { outputArg, type WorkspaceArgs, workspacePositional } from "./shared.js";

interface ShowArgs extends WorkspaceArgs {
  output: "text" | "json";
}
interface SetArgs extends ShowArgs {
  when: string[];
}

/** The schedule fields of a workspace, as `schedule show -o json` prints them (Coder's field names). */
function scheduleOf(w: Workspace) {
  return {
    workspace: `${w.owner_name}/${w.name}`,
    autostart_schedule: w.autostart_schedule ?? null,
    next_start_at: w.next_start_at ?? null,
    ttl_ms: w.ttl_ms ?? null,
    deadline: w.latest_build.deadline ?? null,
    automatic_updates: w.automatic_updates,
  };
}

function hours(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.round((ms % 3_600_000) / 60_000);
  return h && m ? `${h}h${m}m` : h ? `${h}h` : `${m}m`;
}

function printSchedule(ctx: Ctx, json: boolean, w: Workspace): void {
  const s = scheduleOf(w);
  if (json) {
    ctx.stdout(renderJson(s));
    return;
  }
  ctx.stdout(
    renderFields([
      ["Workspace", s.workspace],
      ["Starts at", s.autostart_schedule ?? "manual"],
      ["Starts next", s.next_start_at ?? "-"],
      ["Stops after", s.ttl_ms === null ? "manual" : hours(s.ttl_ms)],
      ["Stops next", s.deadline ?? "-"],
      ["Automatic updates", s.automatic_updates],
    ]),
  );
}

/** Runs one schedule change, then prints the workspace's schedule as it is now. */
async function change(
  ctx: Ctx,
  args: ShowArgs & GlobalArgs,
  apply: (session: Session, w: Workspace) => Promise<void>,
): Promise<void> {
  const session = await openSession(ctx, args);
  const workspace = await findWorkspace(session, args.workspace);
  await apply(session, workspace);
  printSchedule(ctx, args.output === "json", await session.client.workspaces.get(workspace.id));
}

const whenPositional = {
  ...workspacePositional,
  when: { type: "string", array: true, describe: "The schedule, or manual", demandOption: true },
} as const;

const show = defineCommand<ShowArgs>({
  command: "show <workspace>",
  describe: "Show when a workspace starts and stops, and whether it follows the active version",
  positionals: workspacePositional,
  args: outputArg(["text", "json"]),
  examples: [["spt-coder schedule show dev -o json", "The schedule as JSON"]],
  async handler(args, ctx) {
    const session = await openSession(ctx, args);
    printSchedule(ctx, args.output === "json", await findWorkspace(session, args.workspace));
  },
});

const start = defineCommand<SetArgs>({
  command: "start <workspace> <when..>",
  describe: 'Start the workspace on a schedule: "<time> [<days>] [<zone>]", or "manual"',
  positionals: whenPositional,
  args: outputArg(["text", "json"]),
  examples: [
    ["spt-coder schedule start dev 9:30AM Mon-Fri Europe/Paris", "Weekdays at 9:30 Paris time"],
    ["spt-coder schedule start dev manual", "No autostart"],
  ],
  async handler(args, ctx) {
    const schedule = args.when.join(" ") === "manual" ? "" : parseAutostart(args.when, ctx.env);
    await change(ctx, args, (s, w) => s.client.workspaces.setAutostart(w.id, schedule));
  },
});

const stop = defineCommand<SetArgs>({
  command: "stop <workspace> <when..>",
  describe: 'Stop the workspace this long after each start ("8h", "90m"), or "manual"',
  positionals: whenPositional,
  args: outputArg(["text", "json"]),
  examples: [
    ["spt-coder schedule stop dev 8h", "Stop 8 hours after each start"],
    ["spt-coder schedule stop dev manual", "Never stop on its own"],
  ],
  async handler(args, ctx) {
    const text = args.when.join("");
    const ttl = text === "manual" ? null : parseDuration(text);
    await change(ctx, args, (s, w) => s.client.workspaces.setTtl(w.id, ttl));
  },
});

const extend = defineCommand<SetArgs>({
  command: "extend <workspace> <when..>",
  describe: "Move the running workspace's stop time to this long from now (at least 30m)",
  positionals: whenPositional,
  args: outputArg(["text", "json"]),
  examples: [["spt-coder schedule extend dev 2h", "Keep dev running two more hours"]],
  async handler(args, ctx) {
    const ms = parseDuration(args.when.join(""));
    const sdk = await ctx.sdk();
    await change(ctx, args, (s, w) =>
      s.client.workspaces.extend(w.id, new Date(Date.now() + ms)).catch((error: unknown) => {
        throw error instanceof sdk.CoderApiError && error.status === 409 ? cannotExtend(error, w) : error;
      }),
    );
  },
});

/**
 * Coder's 409s for an extend, with what to do instead: a workspace whose shutdown is manual has no stop time to
 * move (exit 2: give it one with `schedule stop`); one that is stopped or still building is not running (exit 4).
 */
function cannotExtend(error: Error, w: Workspace): Error {
  const name = w.name;
  const [exitCode, suggestion] = /shutdown is manual/i.test(error.message)
    ? [
        ExitCode.usage,
        `Nothing stops ${name} on its own, so there is no stop time to move. To stop it after a while, set one: spt-coder schedule stop ${name} 8h`,
      ]
    : /must be started/i.test(error.message)
      ? [ExitCode.notFound, `Start it first: spt-coder start ${name}`]
      : /still building/i.test(error.message)
        ? [ExitCode.notFound, `Wait for the build (spt-coder logs ${name}), then extend it.`]
        : [ExitCode.api, undefined];
  if (!suggestion) return error;
  return new CliError(error.message, { exitCode, suggestion, cause: error });
}

const updates = defineCommand<SetArgs>({
  command: "updates <workspace> <when..>",
  describe: "Whether each start uses the template's active version: always or never",
  positionals: whenPositional,
  args: outputArg(["text", "json"]),
  examples: [["spt-coder schedule updates dev always", "Follow the active version on every start"]],
  async handler(args, ctx) {
    const value = args.when.join("");
    if (value !== "always" && value !== "never") {
      throw new UsageError(`"${value}" is not a setting.`, { suggestion: "Use always or never." });
    }
    await change(ctx, args, (s, w) => s.client.workspaces.setAutomaticUpdates(w.id, value));
  },
});

/** `spt-coder schedule show|start|stop|extend|updates <workspace>`. */
export const scheduleCommand = defineCommand<Record<string, never>>({
  command: "schedule",
  describe: "When a workspace starts and stops on its own",
  subcommands: [show, start, stop, extend, updates] as unknown as CommandDef<never>[],
  async handler() {},
});
