/**
 * The registry: every command, in the order `hal9000 --help` lists them. To add a command,
 * write `commands/<name>.ts` exporting `defineCommand<Args>({ name, summary, args, examples, run })`
 * and add it to this list; the parser, usage lines, help and completion follow from its table.
 */
import type { AnyCommand } from "../command.js";
import { attachCommand } from "./attach.js";
import { authCommand } from "./auth.js";
import { buildCommand } from "./build.js";
import { commitCommand } from "./commit.js";
import { completionCommand } from "./completion.js";
import { conflictsCommand } from "./conflicts.js";
import { coordinatorCommand } from "./coordinator.js";
import { countCommand } from "./count.js";
import { dashboardCommand } from "./dashboard.js";
import { diffCommand } from "./diff.js";
import { discardCommand } from "./discard.js";
import { doctorCommand } from "./doctor.js";
import { listCommand } from "./list.js";
import { logsCommand } from "./logs.js";
import { mcpCommand } from "./mcp.js";
import { mergeCommand } from "./merge.js";
import { parentCommand } from "./parent.js";
import { runCommand } from "./run.js";
import { sendCommand } from "./send.js";
import { shellCommand } from "./shell.js";
import { spawnCommand } from "./spawn.js";
import { statusCommand } from "./status.js";
import { stopCommand } from "./stop.js";
import { stopAllCommand } from "./stop-all.js";
import { upCommand } from "./up.js";
import { initCommand, volumesCommand } from "./volumes.js";
import { waitCommand } from "./wait.js";
import { watchCommand } from "./watch.js";

export const COMMANDS: readonly AnyCommand[] = [
  upCommand,
  buildCommand,
  volumesCommand,
  parentCommand,
  spawnCommand,
  runCommand,
  listCommand,
  countCommand,
  stopCommand,
  stopAllCommand,
  logsCommand,
  attachCommand,
  shellCommand,
  sendCommand,
  waitCommand,
  watchCommand,
  statusCommand,
  dashboardCommand,
  doctorCommand,
  authCommand,
  diffCommand,
  commitCommand,
  mergeCommand,
  conflictsCommand,
  discardCommand,
  mcpCommand,
  completionCommand,
  coordinatorCommand,
  initCommand,
];
