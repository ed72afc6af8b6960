import type { Options } from "yargs";

/** `-O/--org`, as coder spells it. */
export const orgArg = {
  org: { alias: "O", type: "string", describe: "Organization name or id [env: CODER_ORGANIZATION]" },
} satisfies Record<string, Options>;

/** `-o/--output` with the command's formats; the first is the default. */
export function outputArg(formats: readonly [string, ...string[]]): Record<string, Options> {
  return {
    output: {
      alias: "o",
      choices: [...formats],
      default: formats[0],
      describe: "Output format (json prints one document on stdout and never prompts)",
    },
  };
}

/** `-y/--yes`: skips confirmations only, as in coder. */
export const yesArg = {
  yes: { alias: "y", type: "boolean", default: false, describe: "Skip confirmation prompts" },
} satisfies Record<string, Options>;

/** `--wait` / `--no-wait` of the commands that wait for the agents too (`up`, `fleet apply`). */
export const waitArg = {
  wait: {
    type: "boolean",
    default: true,
    describe: "Wait for the build and the agents; --no-wait returns once the build is queued",
  },
} satisfies Record<string, Options>;

/** `--wait` / `--no-wait` of the lifecycle verbs, which follow the build only, as `coder start` does. */
export const buildWaitArg = {
  wait: {
    type: "boolean",
    default: true,
    describe:
      "Follow the build to its end (not the agents: spt-coder up waits for those); --no-wait returns once it is queued",
  },
} satisfies Record<string, Options>;

/** Arguments of commands that take `owner/name` or `name`. */
export interface WorkspaceArgs {
  workspace: string;
}

/** The `<workspace>` positional. */
export const workspacePositional = {
  workspace: { type: "string", describe: "Workspace name, or owner/name", demandOption: true },
} as const;
