/**
 * A detached worker that dies at once (Claude cannot reach its API, a bad command, a
 * first-run failure) must not be reported as spawned. Before it starts, spawn attaches to
 * its output and registers a wait; after the start it waits up to a settle window. A worker
 * still running then is spawned. One that stopped gets its session record (real exit code),
 * its whole output in `<logs>/<name>.log` (an --rm worker leaves nothing else behind, and
 * the coordinator may not have attached yet), and a WorkerExitedError quoting its last lines.
 */
import { replaceWorkerLogTail, type SessionRecord, workerLogPath, workerLogSize } from "@hal9000/volumes";
import type { CoreContext } from "../context/context.js";
import { WorkerExitedError } from "../vocabulary/errors.js";
import { logFor } from "../vocabulary/log.js";
import { lastOutputLines } from "../worker/terminal-text.js";
import type { CreatedWorker } from "./options.js";

const log = logFor("settle");

/** Output kept while settling: its tail, if a worker prints more in the window. */
const MAX_CAPTURE_BYTES = 1 << 20;
/** How often `until` asks whether the worker is ready (a small file read; spawn -d waits on it). */
const READY_POLL_MS = 25;
/** After the exit, how long its last output may take to arrive. */
const DRAIN_MS = 2000;

/** `worker <name> exited right after starting (exit code N): line | line | ...` (one line). */
export function workerExitedMessage(name: string, exitCode: number | null, lines: string[]): string {
  const code = exitCode === null ? "exit code unknown" : `exit code ${exitCode}`;
  const head = `worker ${name} exited right after starting (${code})`;
  return lines.length === 0 ? `${head}, printing nothing` : `${head}: ${lines.join(" | ")}`;
}

/** Where the whole output is, and how to watch a worker start. */
export function workerExitedHint(opts: {
  name: string;
  project: string | null;
  removeOnExit: boolean;
  logFile: string;
  /** Why the output could not be saved, if it could not. */
  saveProblem?: string;
}): string {
  const where =
    opts.saveProblem === undefined
      ? `its whole output is in ${opts.logFile}`
      : `its output could not be saved to ${opts.logFile} (${opts.saveProblem})`;
  const project = opts.project === null ? "" : ` ${shellWord(opts.project)}`;
  const keep = opts.removeOnExit
    ? `, or \`hal9000 spawn -d --no-rm${project}\` then \`hal9000 logs <name>\``
    : `, or \`hal9000 logs ${opts.name}\``;
  return `${where}; to watch it start, run \`hal9000 spawn${project}\` (interactive)${keep}`;
}

function shellWord(s: string): string {
  return /^[\w./:@%+,=-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

// ---------------------------------------------------------------------------------------
// Watching a start

/** How a worker that stopped in its settle window ended. */
export interface EarlyExit {
  /** null when the daemon could not say. */
  exitCode: number | null;
  /** Everything it printed (its tail, past 1 MiB). */
  output: Buffer;
  /** Its container is gone (--rm). */
  removed: boolean;
}

/** Set up before the start: the output stream and the daemon's wait. */
export interface StartWatch {
  /** Waits up to `ms` after the start; the exit if the worker stopped, else undefined (and stops watching). */
  settle(ms: number): Promise<EarlyExit | undefined>;
  /** As settle, but also done (undefined) as soon as `ready()` says so. */
  until(ready: () => Promise<boolean>, ms: number): Promise<EarlyExit | undefined>;
  /** Stops watching; the worker is not touched. */
  close(): void;
}

/** Keeps the tail of a stream, up to MAX_CAPTURE_BYTES. */
class Capture {
  readonly #chunks: Buffer[] = [];
  #size = 0;
  readonly ended: Promise<void>;

  constructor(stream: NodeJS.ReadableStream) {
    stream.on("data", (chunk: Buffer | string) => {
      const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      this.#chunks.push(buf);
      this.#size += buf.length;
      while (this.#size > MAX_CAPTURE_BYTES && this.#chunks.length > 1) {
        this.#size -= (this.#chunks.shift() as Buffer).length;
      }
    });
    this.ended = new Promise((resolve) => {
      stream.once("end", resolve);
      stream.once("close", resolve);
      // `on`, not `once`: a destroyed stream may report more than one error, and none may go unhandled.
      stream.on("error", (err: Error) => {
        log("output stream: %s", err.message);
        resolve();
      });
    });
  }

  get output(): Buffer {
    const all = Buffer.concat(this.#chunks);
    return all.length > MAX_CAPTURE_BYTES ? all.subarray(all.length - MAX_CAPTURE_BYTES) : all;
  }
}

/**
 * Call between create and start. Attaches to the worker's output (an attach before the start
 * sees all of it, even of an --rm container) and registers a wait for its exit (for an --rm
 * worker, its removal: then it is really gone). Undefined if the daemon refuses either: the
 * spawn goes on without the check.
 */
export async function watchStart(ctx: CoreContext, created: CreatedWorker): Promise<StartWatch | undefined> {
  const { id, spec } = created;
  const containers = ctx.engine.containers;
  const abort = new AbortController();
  let stream: NodeJS.ReadableStream | undefined;
  let exitCode: Promise<number>;
  try {
    stream = await containers.attach(id, { stdin: false, signal: abort.signal });
    ({ exitCode } = await containers.wait(id, spec.removeOnExit ? "removed" : "next-exit", abort.signal));
  } catch (err) {
    abort.abort();
    (stream as { destroy?: () => void } | undefined)?.destroy?.();
    log("not watching the start of %s: %s", created.name, (err as Error).message);
    return undefined;
  }
  const capture = new Capture(stream);
  // The wait is awaited only in settle(); an aborted one must not be an unhandled rejection.
  const outcome = exitCode.then(
    (code) => ({ code }),
    (err: unknown) => ({ err }),
  );
  const close = () => {
    abort.abort();
    (stream as { destroy?: () => void }).destroy?.();
  };
  const watch: StartWatch = {
    close,
    settle(ms) {
      return watch.until(async () => false, ms);
    },
    async until(ready, ms) {
      let timer: NodeJS.Timeout | undefined;
      let stopped = false;
      const elapsed = new Promise<"running">((resolve) => {
        timer = setTimeout(() => resolve("running"), ms);
        // Polled, not awaited in a tight loop: the file it reads is written by another process.
        const poll = async () => {
          while (!stopped) {
            if (await ready().catch(() => false)) return resolve("running");
            await new Promise((r) => setTimeout(r, READY_POLL_MS));
          }
        };
        void poll();
      });
      const first = await Promise.race([outcome, elapsed]);
      stopped = true;
      clearTimeout(timer);
      if (first === "running") {
        close();
        return undefined;
      }
      let exit: Omit<EarlyExit, "output">;
      if ("code" in first) exit = { exitCode: first.code, removed: spec.removeOnExit };
      else {
        // The wait failed (not aborted: nothing aborted it yet): ask the container.
        log("waiting for %s: %s", created.name, (first.err as Error).message);
        const state = await containerState(ctx, created);
        if (state === "running") {
          close();
          return undefined;
        }
        exit = state === "gone" ? { exitCode: null, removed: true } : { exitCode: state, removed: false };
      }
      await Promise.race([capture.ended, new Promise((r) => setTimeout(r, DRAIN_MS).unref())]);
      close();
      return { ...exit, output: capture.output };
    },
  };
  return watch;
}

async function containerState(
  ctx: CoreContext,
  created: CreatedWorker,
): Promise<"running" | "gone" | number | null> {
  try {
    const info = await ctx.engine.containers.inspect(created.id);
    if (!info) return "gone";
    return info.State.Running ? "running" : info.State.ExitCode;
  } catch {
    return "running"; // cannot tell: say nothing rather than something false
  }
}

/** The size of a worker's log file before its start: what an earlier worker of the name left. */
export function logSizeBefore(ctx: CoreContext, name: string): Promise<number> {
  return workerLogSize(ctx.layout.logs, name);
}

/**
 * Writes an early exit's whole output to `<logs>/<name>.log`, after what an earlier worker
 * of the name left (`keepBytes`). The coordinator may have saved part of this worker's
 * output already; the capture holds all of it, so it replaces that part.
 */
export function saveEarlyOutput(
  logsDir: string,
  name: string,
  output: Buffer,
  keepBytes: number,
): Promise<string> {
  return replaceWorkerLogTail(logsDir, name, output, keepBytes);
}

/**
 * What spawn does when its worker stopped in the settle window: the record gets the real
 * exit, the output goes to the worker's log file, and the error to throw says both.
 */
export async function reportEarlyExit(
  ctx: CoreContext,
  created: CreatedWorker,
  exit: EarlyExit,
  logBytesBefore: number,
): Promise<WorkerExitedError> {
  const { name, spec } = created;
  let exitCode = exit.exitCode;
  let finishedAt = new Date().toISOString();
  let startedAt: string | null = null;
  if (!exit.removed) {
    const info = await ctx.engine.containers.inspect(created.id).catch(() => undefined);
    if (info) {
      exitCode ??= info.State.ExitCode;
      finishedAt = info.State.FinishedAt;
      startedAt = info.State.StartedAt;
    }
  }
  await recordExit(ctx, created, {
    state: exit.removed ? "ended" : "exited",
    exitCode,
    startedAt,
    finishedAt,
  });
  const logFile = workerLogPath(ctx.layout.logs, name);
  let saveProblem: string | undefined;
  try {
    await saveEarlyOutput(ctx.layout.logs, name, exit.output, logBytesBefore);
  } catch (err) {
    saveProblem = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    log("cannot save the output of %s to %s: %s", name, logFile, (err as Error).message);
  }
  const lastOutput = lastOutputLines(exit.output.toString("utf8"));
  log("worker %s exited in its settle window (exit code %s)", name, exitCode);
  return new WorkerExitedError(workerExitedMessage(name, exitCode, lastOutput), {
    worker: name,
    exitCode,
    lastOutput,
    logFile,
    hint: workerExitedHint({
      name,
      project: spec.project,
      removeOnExit: spec.removeOnExit,
      logFile,
      saveProblem,
    }),
  });
}

/** Only this container's record; keeps what the coordinator may have recorded first (an end, the start time). */
async function recordExit(
  ctx: CoreContext,
  created: CreatedWorker,
  exit: Pick<SessionRecord, "state" | "exitCode" | "startedAt" | "finishedAt">,
): Promise<void> {
  try {
    const current = await ctx.sessions.read(created.name);
    if (!current || current.id !== created.id) return;
    await ctx.sessions.update(created.name, {
      state: current.state === "ended" ? "ended" : exit.state,
      exitCode: exit.exitCode ?? current.exitCode,
      startedAt: current.startedAt ?? exit.startedAt,
      finishedAt: current.finishedAt ?? exit.finishedAt,
    });
  } catch (err) {
    log("could not record the exit of %s: %s", created.name, (err as Error).message);
  }
}
