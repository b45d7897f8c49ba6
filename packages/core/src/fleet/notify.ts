/**
 * NOTIFY_COMMAND (hal9000.conf): run on the host (by `hal9000 watch`) when a worker starts
 * waiting for a human, finishes a turn (idle) or is done, so users can wire desktop or chat
 * notifications. `sh -c COMMAND` with the worker's
 * name, state and message as $1 $2 $3 and as HAL9000_WORKER, HAL9000_STATE, HAL9000_MESSAGE.
 */
import { spawn } from "node:child_process";
import { logFor } from "../vocabulary/log.js";
import type { AgentState } from "../worker/agent-state.js";

const log = logFor("notify");

/** The states worth telling someone about: it needs you, or it finished (its turn, its session). */
export const NOTIFY_STATES: ReadonlySet<string> = new Set(["waiting", "idle", "done", "exited"]);

/** Runs the command for a change (not waiting for it); "none" or "" runs nothing. */
export function notifyChange(
  command: string,
  change: AgentState & { name: string },
  env: NodeJS.ProcessEnv,
): void {
  if (command === "" || command === "none" || !NOTIFY_STATES.has(change.state)) return;
  const message = change.message ?? "";
  try {
    const child = spawn("sh", ["-c", command, "hal9000-notify", change.name, change.state, message], {
      env: { ...env, HAL9000_WORKER: change.name, HAL9000_STATE: change.state, HAL9000_MESSAGE: message },
      stdio: "ignore",
      detached: false,
    });
    child.on("error", (err) => log("NOTIFY_COMMAND failed to start: %s", err.message));
    child.on("exit", (code) => {
      if (code !== 0) log("NOTIFY_COMMAND exited %s for %s %s", code, change.name, change.state);
    });
  } catch (err) {
    log("NOTIFY_COMMAND: %s", (err as Error).message);
  }
}
