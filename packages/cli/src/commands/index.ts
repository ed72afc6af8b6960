import type { CommandDef } from "../command.js";
import { execCommand } from "./exec.js";
import { fleetCommand } from "./fleet.js";
import { listCommand } from "./list.js";
import { loginCommand } from "./login.js";
import { logoutCommand } from "./logout.js";
import { logsCommand } from "./logs.js";
import { presetsCommand } from "./presets.js";
import { pushCommand } from "./push.js";
import { restartCommand } from "./restart.js";
import { scheduleCommand } from "./schedule.js";
import { serverCommand } from "./server.js";
import { statusCommand } from "./status.js";
import { templatesCommand } from "./templates.js";
import { deleteCommand, startCommand, stopCommand } from "./transitions.js";
import { upCommand } from "./up.js";
import { updateCommand } from "./update.js";
import { whoamiCommand } from "./whoami.js";

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
  execCommand,
  fleetCommand,
  presetsCommand,
  restartCommand,
  updateCommand,
  scheduleCommand,
  templatesCommand,
  loginCommand,
  logoutCommand,
  whoamiCommand,
  serverCommand,
] as unknown as readonly CommandDef<never>[];
