import type { CommandDef } from "../command.js";
import { fleetCommand } from "./fleet.js";
import { listCommand } from "./list.js";
import { loginCommand } from "./login.js";
import { logsCommand } from "./logs.js";
import { presetsCommand } from "./presets.js";
import { pushCommand } from "./push.js";
import { serverCommand } from "./server.js";
import { statusCommand } from "./status.js";
import { deleteCommand, startCommand, stopCommand } from "./transitions.js";
import { upCommand } from "./up.js";

/** Every command, in the order `--help` lists them. (`completion` is yargs' own, added in main.ts.) */
export const COMMANDS: readonly CommandDef<never>[] = [
  upCommand,
  pushCommand,
  listCommand,
  statusCommand,
  logsCommand,
  startCommand,
  stopCommand,
  deleteCommand,
  fleetCommand,
  presetsCommand,
  loginCommand,
  serverCommand,
] as unknown as readonly CommandDef<never>[];
