import { pruneLogs } from "@hal9000/volumes";
import type { CoreContext } from "../context/context.js";
import type { CoordinatorLog } from "./log.js";

const DAY_MS = 86_400_000;
/** coordinator.log is rotated (one generation kept) once it is this large. */
export const COORDINATOR_LOG_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Drops session records finished more than LOG_RETENTION_DAYS ago and their logs, worker logs
 * no record names that are as old, and a rotated coordinator log as old.
 */
export async function pruneRecordsAndLogs(
  ctx: CoreContext,
  days: number,
  log: CoordinatorLog,
): Promise<void> {
  const pruned = await ctx.sessions.prune(days);
  const { records } = await ctx.sessions.list();
  const stale = await pruneLogs(ctx.layout.logs, {
    removed: pruned,
    keep: new Set(records.map((r) => r.name)),
    cutoffMs: Date.now() - days * DAY_MS,
  });
  if (pruned.length > 0 || stale > 0) {
    log.info(
      `pruned ${pruned.length} session record(s) and ${pruned.length + stale} log(s) older than ${days} days`,
    );
  }
}

/** Rotates coordinator.log once it reaches COORDINATOR_LOG_MAX_BYTES (or `maxBytes`). */
export async function rotateCoordinatorLog(
  log: CoordinatorLog,
  maxBytes = COORDINATOR_LOG_MAX_BYTES,
): Promise<void> {
  try {
    if (await log.rotate(maxBytes))
      log.info(`coordinator log rotated; the previous one is ${log.rotatedFile}`);
  } catch (err) {
    log.warn(`cannot rotate ${log.file}: ${(err as Error).message}`);
  }
}
