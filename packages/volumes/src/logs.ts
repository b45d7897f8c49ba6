/**
 * The logs directory (`<home>/logs/`, or LOGS_DIR): each worker's output in `<worker>.log`,
 * the coordinator's own `coordinator.log` (rotated to `coordinator.log.1`) and its pid file.
 * Paths, formats and file operations only; @hal9000/core decides when and what.
 */
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { HomeLayout } from "./home.js";

export const COORDINATOR_PID_FILE = "coordinator.pid";
export const COORDINATOR_LOG_FILE = "coordinator.log";

/** `<logs>/<worker>.log`, written by the coordinator so --rm workers leave their output behind. */
export function workerLogPath(logsDir: string, name: string): string {
  return join(logsDir, `${name}.log`);
}

export function coordinatorLogPath(layout: HomeLayout): string {
  return join(layout.logs, COORDINATOR_LOG_FILE);
}

/** The coordinator log's lines (the last `last` of them); none yet: an empty list. */
export async function readCoordinatorLog(layout: HomeLayout, last?: number): Promise<string[]> {
  const text = (await readFile(coordinatorLogPath(layout), "utf8").catch(() => "")).trimEnd();
  const lines = text === "" ? [] : text.split("\n");
  return last === undefined ? lines : lines.slice(-last);
}

export function coordinatorPidPath(layout: HomeLayout): string {
  return join(layout.logs, COORDINATOR_PID_FILE);
}

export async function writeCoordinatorPid(layout: HomeLayout, pid = process.pid): Promise<void> {
  await writeFile(coordinatorPidPath(layout), `${pid}\n`);
}

export async function removeCoordinatorPid(layout: HomeLayout): Promise<void> {
  await rm(coordinatorPidPath(layout), { force: true });
}

/** The size of a worker's log file (0 when there is none). */
export async function workerLogSize(logsDir: string, name: string): Promise<number> {
  const st = await stat(workerLogPath(logsDir, name)).catch(() => undefined);
  return st?.isFile() ? st.size : 0;
}

/** When a worker's log was last written (seconds since the epoch; 0 when there is none). */
export async function workerLogWrittenAt(logsDir: string, name: string): Promise<number> {
  const st = await stat(workerLogPath(logsDir, name)).catch(() => undefined);
  return st ? Math.floor(st.mtimeMs / 1000) : 0;
}

/** Appends to a worker's log (created if need be). */
export function appendWorkerLog(logsDir: string, name: string): WriteStream {
  return createWriteStream(workerLogPath(logsDir, name), { flags: "a" });
}

/**
 * Writes `output` to a worker's log after its first `keepBytes` (what an earlier worker of the
 * name left): what was after them is replaced. Returns the file.
 */
export async function replaceWorkerLogTail(
  logsDir: string,
  name: string,
  output: Buffer,
  keepBytes: number,
): Promise<string> {
  const file = workerLogPath(logsDir, name);
  await mkdir(logsDir, { recursive: true });
  const fh = await open(file, "a");
  try {
    const { size } = await fh.stat();
    await fh.truncate(Math.min(size, keepBytes));
    await fh.write(output);
  } finally {
    await fh.close();
  }
  return file;
}

/** A worker's saved log (its last `tail` lines when given), or undefined when there is none. */
export async function readWorkerLog(
  logsDir: string,
  name: string,
  tail?: number,
): Promise<NodeJS.ReadableStream | undefined> {
  const file = workerLogPath(logsDir, name);
  const isFile = await stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!isFile) return undefined;
  if (tail !== undefined) return Readable.from([lastLines(await readFile(file), tail)]);
  return createReadStream(file);
}

function lastLines(text: Buffer, n: number): Buffer {
  if (n <= 0) return Buffer.alloc(0);
  const s = text.toString("utf8");
  const lines = s.split("\n");
  const trailing = s.endsWith("\n") ? lines.pop() : undefined;
  return Buffer.from(lines.slice(-n).join("\n") + (trailing !== undefined ? "\n" : ""));
}

/**
 * Removes the logs of `removed` workers, worker logs no one in `keep` names that were last
 * written before `cutoffMs`, and a rotated coordinator log as old. Returns how many stale
 * worker logs went (besides the removed workers').
 */
export async function pruneLogs(
  logsDir: string,
  opts: { removed: readonly string[]; keep: ReadonlySet<string>; cutoffMs: number },
): Promise<number> {
  for (const name of opts.removed) await rm(workerLogPath(logsDir, name), { force: true });
  const isOld = async (file: string) => {
    const st = await stat(file).catch(() => undefined);
    return st !== undefined && st.mtimeMs < opts.cutoffMs;
  };
  let stale = 0;
  for (const entry of await readdir(logsDir).catch(() => [] as string[])) {
    const file = join(logsDir, entry);
    if (entry === COORDINATOR_LOG_FILE) continue;
    if (entry === `${COORDINATOR_LOG_FILE}.1`) {
      if (await isOld(file)) await rm(file, { force: true });
      continue;
    }
    if (!entry.endsWith(".log") || opts.keep.has(entry.slice(0, -".log".length))) continue;
    if (await isOld(file)) {
      await rm(file, { force: true });
      stale++;
    }
  }
  return stale;
}

/**
 * A file that lines are appended to, rotated to `<file>.1` (replacing the one before) once it
 * reaches a size. Write errors go to `onError`, never to the writer.
 */
export class AppendLog {
  readonly file: string;
  readonly #onError: (err: Error) => void;
  #out: WriteStream;

  constructor(file: string, onError: (err: Error) => void = () => undefined) {
    this.file = file;
    this.#onError = onError;
    this.#out = this.#open();
  }

  #open(): WriteStream {
    const out = createWriteStream(this.file, { flags: "a" });
    out.on("error", this.#onError);
    return out;
  }

  /** The previous generation, after a rotation. */
  get rotatedFile(): string {
    return `${this.file}.1`;
  }

  write(text: string): void {
    this.#out.write(text);
  }

  /** Rotates once the file holds `maxBytes` or more; true when it did. */
  async rotate(maxBytes: number): Promise<boolean> {
    const st = await stat(this.file).catch(() => undefined);
    if (!st || st.size < maxBytes) return false;
    const old = this.#out;
    // The old stream keeps its descriptor: lines still queued land in the rotated file.
    await rename(this.file, this.rotatedFile);
    this.#out = this.#open();
    await new Promise<void>((resolve) => old.end(resolve));
    return true;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#out.end(resolve));
  }
}
