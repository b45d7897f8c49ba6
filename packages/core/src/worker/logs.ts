import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import type Docker from "dockerode";
import type { CoreContext } from "../context/context.js";
import { dockerStatus, mapDockerError } from "../engine/docker.js";
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

/**
 * Splits the Engine API's multiplexed log format (8-byte header: stream type, 0, 0, 0,
 * big-endian length) into plain output. Containers with a TTY send raw bytes instead.
 */
export function demuxLogBuffer(buf: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buf.length) {
    const size = buf.readUInt32BE(offset + 4);
    parts.push(buf.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts);
}

/** A container's output as one plain stream (stdout and stderr together). */
export async function containerLogStream(
  docker: Docker,
  container: Docker.Container,
  opts: { follow: boolean; tail?: number; since?: number; tty: boolean },
): Promise<NodeJS.ReadableStream> {
  const base = {
    stdout: true,
    stderr: true,
    since: opts.since ?? 0,
    ...(opts.tail === undefined ? {} : { tail: opts.tail }),
  };
  if (!opts.follow) {
    const buf = (await container.logs({ ...base, follow: false })) as unknown as Buffer;
    return Readable.from([opts.tty ? buf : demuxLogBuffer(buf)]);
  }
  const raw = (await container.logs({ ...base, follow: true })) as unknown as NodeJS.ReadableStream;
  if (opts.tty) return raw;
  const out = new PassThrough();
  docker.modem.demuxStream(raw, out, out);
  raw.on("end", () => out.end());
  raw.on("error", (err) => out.destroy(err));
  out.on("close", () => (raw as Readable).destroy?.());
  return out;
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
  let found: Docker.ContainerInfo | undefined;
  try {
    found = await findWorker(ctx, name);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  if (found) {
    const container = ctx.docker.getContainer(found.Id);
    try {
      const info = await container.inspect();
      return await containerLogStream(ctx.docker, container, {
        follow: opts.follow ?? false,
        tail: opts.tail,
        tty: info.Config.Tty,
      });
    } catch (err) {
      if (dockerStatus(err) !== 404)
        throw mapDockerError(err, ctx.docker, `reading the logs of worker "${name}"`);
    }
  }
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
