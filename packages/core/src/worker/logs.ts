import { readWorkerLog, workerLogPath } from "@hal9000/volumes";
import type { CoreContext } from "../context/context.js";
import type { ContainerSummary } from "../engine/engine.js";
import { InvalidInputError, NotFoundError } from "../vocabulary/errors.js";
import { validateContainerName } from "../vocabulary/names.js";
import { findWorker } from "./list.js";

// The log files are kept by @hal9000/volumes; re-exported for the wings that name them.
export { workerLogPath };

export interface LogOptions {
  follow?: boolean;
  tail?: number;
}

/**
 * A worker's output: from its container while it exists (workers have a TTY, so raw),
 * else from the log file the coordinator kept.
 */
export async function workerLogs(
  ctx: CoreContext,
  name: string,
  opts: LogOptions = {},
): Promise<NodeJS.ReadableStream> {
  validateContainerName(name);
  if (opts.tail !== undefined && (!Number.isInteger(opts.tail) || opts.tail < 0)) {
    throw new InvalidInputError(`invalid tail ${opts.tail}`, { hint: "give a whole number of lines >= 0" });
  }
  let found: ContainerSummary | undefined;
  try {
    found = await findWorker(ctx, name);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  const info =
    found && (await ctx.engine.containers.inspect(found.Id, `reading the logs of worker "${name}"`));
  // Gone meanwhile (an --rm worker): its saved log below.
  const live =
    info &&
    (await ctx.engine.containers.logs(
      info.Id,
      { follow: opts.follow ?? false, tail: opts.tail, tty: info.Config.Tty },
      `reading the logs of worker "${name}"`,
    ));
  if (live) return live;
  const saved = await readWorkerLog(ctx.layout.logs, name, opts.tail);
  if (!saved) {
    throw new NotFoundError(
      `no worker named "${name}" and no saved log at ${workerLogPath(ctx.layout.logs, name)}`,
      { hint: "see the workers with `hal9000 list`" },
    );
  }
  return saved;
}
