import type { Argv } from "yargs";

const HELP_OR_COMPLETION = new Set(["--help", "-h", "help", "--get-yargs-completions", "completion"]);

/** True when a run may print help or completions that yargs renders (so its help must be rendered). */
export function asksForHelp(argv: readonly string[]): boolean {
  return argv.some((a) => HELP_OR_COMPLETION.has(a));
}

/**
 * yargs renders the whole help of a command before running its handler, every time, in case a later failure
 * wants to show it (its `cacheHelpMessage`): about 15 ms of text wrapping per run. Our failure handler throws and
 * never shows help, so when the run is not asking for help the rendering is skipped (Angular's CLI does the same).
 * It is yargs' internal method: if a yargs release renames it, nothing changes but the time (a test says so).
 */
export function skipEagerHelp(cli: Argv): void {
  const usage = (cli as unknown as { getInternalMethods?: () => { getUsageInstance?: () => unknown } })
    .getInternalMethods?.()
    .getUsageInstance?.() as { cacheHelpMessage?: () => void } | undefined;
  if (typeof usage?.cacheHelpMessage === "function") usage.cacheHelpMessage = () => {};
}
