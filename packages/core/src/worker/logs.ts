import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { CoreContext } from "../context/context.js";
import type { ContainerSummary } from "../engine/engine.js";
import { InvalidInputError, NotFoundError } from "../vocabulary/errors.js";
import { validateContainerName } from "../vocabulary/names.js";
import { findWorker } from "./list.js";

export interface LogOptions {
  follow?: boolean;
  tail?: number;
}

/** `<logs>/<worker>.log`, written by the coordinator so --rm workers leave their output behind. */
export function workerLogPath(logsDir: string, name: string): string {
  return join(logsDir, `${name}.log`);
}

function lastLines(text: Buffer, n: number): Buffer {
  if (n <= 0) return Buffer.alloc(0);
  const s = text.toString("utf8");
  const lines = s.split("\n");
  const trailing = s.endsWith("\n") ? lines.pop() : undefined;
  return Buffer.from(lines.slice(-n).join("\n") + (trailing !== undefined ? "\n" : ""));
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
  const file = workerLogPath(ctx.layout.logs, name);
  const exists = await stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!exists) {
    throw new NotFoundError(`no worker named "${name}" and no saved log at ${file}`, {
      hint: "see the workers with `hal9000 list`",
    });
  }
  if (opts.tail !== undefined) return Readable.from([lastLines(await readFile(file), opts.tail)]);
  return createReadStream(file);
}
