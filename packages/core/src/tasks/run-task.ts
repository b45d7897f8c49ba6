/**
 * A headless task: a worker on the project runs `claude -p PROMPT --output-format stream-json
 * --verbose`; hal9000 reads Claude's stream from the worker's terminal (attached before the
 * start, so nothing is missed), turns each line into typed events, and resolves with Claude's
 * final result. Afterwards the worker's container is removed (unless `keep`); its home, with
 * Claude's transcript under ~/.claude/projects/, stays; its session record says how the task
 * ended. An aborted signal or the timeout stops the worker (SIGTERM, SIGKILL after
 * STOP_GRACE_SECONDS) and rejects with TaskAbortedError / TaskTimeoutError; a credential the
 * API refuses (or none at all) stops it at once and rejects with TaskCredentialError.
 */
import type { SessionRecord, TaskOutcome, TaskRecord } from "@hal9000/volumes";
import { commitBranch } from "../branches/operations.js";
import type { CoreContext } from "../context/context.js";
import type { Engine } from "../engine/engine.js";
import type { CreatedWorker, SpawnOptions } from "../spawn/options.js";
import { spawnWorker } from "../spawn/spawn.js";
import { InvalidInputError, isHal9000Error } from "../vocabulary/errors.js";
import { logFor } from "../vocabulary/log.js";
import { lastOutputLines, terminalText } from "../worker/terminal-text.js";
import { type ClaudeTaskArgs, claudeTaskCommand, validateClaudeTaskArgs } from "./claude-args.js";
import { TaskAbortedError, TaskCredentialError, TaskFailedError, TaskTimeoutError } from "./errors.js";
import { EventLog } from "./event-log.js";
import { type ClaudeEvent, type ClaudeResult, parseStreamJsonLine } from "./stream-json.js";

const log = logFor("task");

/** After SIGTERM, how long Claude may take before SIGKILL: the worker is gone well within 5 s. */
export const STOP_GRACE_SECONDS = 2;
/** While WORKER_MAX_COUNT workers are active, how often a queued task tries again. */
const QUEUE_POLL_MS = 1000;
/** After the exit, how long Claude's last lines may take to arrive. */
const DRAIN_MS = 2000;
/** How long the coordinator may take to mark the task's container exited or ended (see recordTask). */
const COORDINATOR_WAIT_MS = 5000;
/** Without it: checks that the task's end stays in its session record. */
const RECORD_ROUNDS = 10;
const RECORD_CHECK_MS = 150;

/**
 * What a task is: Claude's options, the spawn's (project, image, env, limits, … every spawn
 * option but the command, which is Claude's), and how it ends.
 */
export interface TaskOptions
  extends ClaudeTaskArgs,
    Omit<SpawnOptions, "command" | "detach" | "removeOnExit" | "settleMs"> {
  /** Stop the task after this many ms (TaskTimeoutError). */
  timeoutMs?: number;
  /** Aborting it stops the task (TaskAbortedError). */
  signal?: AbortSignal;
  /** Keep the stopped worker container (default: removed; its home and transcript always stay). */
  keep?: boolean;
  /** While WORKER_MAX_COUNT workers are active: wait for a slot (default), or fail at once. */
  queue?: boolean;
}

/** Events hal9000 adds to Claude's own. */
export type HalTaskEvent =
  | { type: "queued"; message: string }
  | { type: "worker"; name: string; image: string }
  /** A line of the worker's output that is not Claude's JSON (e.g. an error before Claude started). */
  | { type: "output"; text: string }
  | { type: "exit"; exitCode: number | null }
  /** A `branch` task's work, committed to its branch once it ended (commit null: nothing changed). */
  | { type: "branch"; branch: string; commit: string | null; files: number }
  | { type: "error"; code: string; message: string };

export type TaskEvent = ClaudeEvent | HalTaskEvent;

/** A finished task: Claude's result, the worker, and whether it succeeded. */
export interface TaskResult extends ClaudeResult {
  worker: string;
  /** Claude reported success and exited 0. */
  ok: boolean;
  exitCode: number | null;
  /** A `branch` task: its branch, and the commit hal9000 made of its work (null: nothing to commit). */
  branch?: { name: string; commit: string | null };
}

/** A running task: iterate its events (from the start, any number of times) and await its result. */
export interface TaskHandle extends AsyncIterable<TaskEvent> {
  /** Resolves with the result (ok or not); rejects with TaskAbortedError, TaskTimeoutError, TaskFailedError or a spawn error. */
  readonly result: Promise<TaskResult>;
  /** The worker's name, once it is spawned. */
  readonly worker: Promise<string>;
  /** The events so far. */
  readonly events: readonly TaskEvent[];
}

/** Checks a task's options without Docker; throws InvalidInputError. */
export function validateTaskOptions(opts: TaskOptions): void {
  if (typeof opts !== "object" || opts === null) {
    throw new InvalidInputError("runTask needs an options object", { hint: 'e.g. { prompt: "say hi" }' });
  }
  validateClaudeTaskArgs(opts);
  if (
    opts.timeoutMs !== undefined &&
    (typeof opts.timeoutMs !== "number" || !Number.isFinite(opts.timeoutMs) || opts.timeoutMs <= 0)
  ) {
    throw new InvalidInputError(`invalid timeoutMs ${JSON.stringify(opts.timeoutMs)}`, {
      hint: "give the milliseconds the task may run, e.g. { timeoutMs: 600000 }",
    });
  }
}

/** Splits a TTY stream into lines: CR LF and leading cursor sequences dropped. */
class Lines {
  #rest = "";
  constructor(private readonly onLine: (line: string) => void) {}
  write(chunk: Buffer | string): void {
    this.#rest += chunk.toString();
    let nl = this.#rest.indexOf("\n");
    while (nl !== -1) {
      this.onLine(this.#rest.slice(0, nl));
      this.#rest = this.#rest.slice(nl + 1);
      nl = this.#rest.indexOf("\n");
    }
  }
  end(): void {
    if (this.#rest !== "") this.onLine(this.#rest);
    this.#rest = "";
  }
}

/**
 * A line of the worker's TTY as Claude printed it: without the terminal's CR (one or two) and
 * without terminal control sequences before a JSON object (a cursor shown or hidden).
 */
export function ttyLine(raw: string): string {
  const line = raw.replace(/\r+$/, "");
  const at = line.indexOf("{");
  if (at > 0 && terminalText(line.slice(0, at)).trim() === "") return line.slice(at);
  return line;
}

/** Starts a task; returns at once with its handle. */
export function runTask(
  ctx: CoreContext,
  opts: TaskOptions,
  /** Runs first (the facade pings Docker here). */
  prepare?: () => Promise<unknown>,
): TaskHandle {
  const events = new EventLog<TaskEvent>();
  let named: (name: string) => void = () => undefined;
  const worker = new Promise<string>((resolve) => {
    named = resolve;
  });
  const result = execute(ctx, opts, events, (n) => named(n), prepare).finally(() => events.end());
  // A caller that only iterates must not crash the process with an unhandled rejection.
  result.catch(() => undefined);
  worker.catch(() => undefined);
  return {
    result,
    worker,
    get events() {
      return events.events;
    },
    [Symbol.asyncIterator]: () => events[Symbol.asyncIterator](),
  };
}

type Stop =
  | { kind: "aborted"; reason: unknown }
  | { kind: "timeout"; ms: number }
  /** The API refused the credential (or there was none): retrying would not help. */
  | { kind: "credential"; status: number | null };

async function execute(
  ctx: CoreContext,
  opts: TaskOptions,
  events: EventLog<TaskEvent>,
  onWorker: (name: string) => void,
  prepare?: () => Promise<unknown>,
): Promise<TaskResult> {
  try {
    validateTaskOptions(opts);
    await prepare?.();
  } catch (err) {
    events.push(errorEvent(err));
    throw err;
  }
  const {
    prompt,
    model,
    allowedTools,
    permissionMode,
    timeoutMs,
    signal,
    keep = false,
    queue = true,
    ...spawnRest
  } = opts;
  const command = claudeTaskCommand({ prompt, model, allowedTools, permissionMode });

  // One controller for both ways to stop: the caller's signal and the timeout.
  const stopper = new AbortController();
  let stop: Stop | undefined;
  const requestStop = (s: Stop) => {
    if (stop) return;
    stop = s;
    stopper.abort();
  };
  const onAbort = () => requestStop({ kind: "aborted", reason: signal?.reason });
  if (signal?.aborted) onAbort();
  signal?.addEventListener("abort", onAbort, { once: true });
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => requestStop({ kind: "timeout", ms: timeoutMs }), timeoutMs);
  timer?.unref?.();

  let name: string | null = null;
  try {
    // Attached and waited for before the start: every line and the exit are seen.
    let session: { stream: NodeJS.ReadableStream; exitCode: Promise<number> } | undefined;
    const beforeStart = async (created: CreatedWorker) => {
      const stream = await ctx.engine.containers.attach(created.id, { stdin: false });
      const { exitCode } = await ctx.engine.containers.wait(created.id, "next-exit");
      exitCode.catch(() => undefined);
      session = { stream, exitCode };
    };
    const spawnOpts: SpawnOptions = { ...spawnRest, command, detach: true, removeOnExit: false, settleMs: 0 };
    const info = await spawnQueued(ctx, spawnOpts, beforeStart, queue, stopper.signal, events);
    name = info.name;
    onWorker(name);
    events.push({ type: "worker", name, image: info.image });
    log("task worker %s started", name);
    const container = { engine: ctx.engine, id: info.id };
    if (!session) throw new Error("internal: the task's worker started without its output attached");
    const { stream, exitCode } = session;

    let seq = 0;
    let final: ClaudeResult | undefined;
    const plain: string[] = [];
    const lines = new Lines((raw) => {
      const line = ttyLine(raw);
      if (line.trim() === "") return;
      const parsed = line.startsWith("{") ? parseStreamJsonLine(line, ++seq) : undefined;
      if (!parsed) {
        const text = terminalText(line).trim();
        if (text === "") return;
        plain.push(text);
        events.push({ type: "output", text });
        return;
      }
      for (const e of parsed) {
        if (e.type === "result") final = e.result;
        events.push(e);
        if (e.type === "api_error" && e.error === "authentication_failed") {
          requestStop({ kind: "credential", status: e.status });
        }
      }
    });
    stream.on("data", (chunk: Buffer) => lines.write(chunk));
    const streamEnded = new Promise<void>((resolve) => {
      stream.once("end", resolve);
      stream.once("close", resolve);
      stream.on("error", () => resolve());
    });

    const stopped = new Promise<"stop">((resolve) => {
      if (stopper.signal.aborted) resolve("stop");
      stopper.signal.addEventListener("abort", () => resolve("stop"), { once: true });
    });
    const first = await Promise.race([
      exitCode.then(
        (c) => ({ code: c }),
        () => ({ code: null }),
      ),
      stopped,
    ]);
    let code: number | null;
    if (first === "stop") {
      await stopContainer(container);
      code = await Promise.race([
        exitCode.catch(() => null),
        new Promise<null>((r) => setTimeout(() => r(null), 1000).unref()),
      ]);
    } else code = first.code;
    await Promise.race([streamEnded, new Promise((r) => setTimeout(r, DRAIN_MS).unref())]);
    lines.end();
    (stream as { destroy?: () => void }).destroy?.();
    events.push({ type: "exit", exitCode: code });
    log("task worker %s exited with code %s", name, code);

    const outcome = decideOutcome(stop, final, code, name, plain);
    await finish(ctx, container, name, keep, outcome, final, code);
    const branch = await commitTaskWork(ctx, spawnRest, name, prompt, outcome.outcome, events);
    if ("error" in outcome) {
      events.push(errorEvent(outcome.error));
      throw outcome.error;
    }
    return {
      ...(final as ClaudeResult),
      worker: name,
      ok: outcome.ok,
      exitCode: code,
      ...(branch ? { branch } : {}),
    };
  } catch (err) {
    if (!isTaskError(err)) {
      const mapped = stop && name === null ? stopError(stop, null) : err;
      events.push(errorEvent(mapped));
      throw mapped;
    }
    throw err;
  } finally {
    if (timer) clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * A task on its own branch leaves its work committed there (the checkout, branch and record
 * stay for diff and merge). A commit that fails is reported as an error event; the work stays
 * in the checkout either way.
 */
async function commitTaskWork(
  ctx: CoreContext,
  opts: Pick<SpawnOptions, "branch">,
  name: string,
  prompt: string,
  outcome: string,
  events: EventLog<TaskEvent>,
): Promise<{ name: string; commit: string | null } | undefined> {
  if (opts.branch === undefined || opts.branch === false) return undefined;
  const firstLine = prompt.trim().split("\n")[0]?.slice(0, 72) ?? "";
  const message = `hal9000 run${outcome === "succeeded" ? "" : ` (${outcome})`}: ${firstLine}`;
  try {
    const res = await commitBranch(
      { layout: ctx.layout, env: ctx.env, insideParent: ctx.paths.insideParent },
      name,
      message,
    );
    events.push({ type: "branch", branch: res.branch, commit: res.commit, files: res.files.length });
    return { name: res.branch, commit: res.commit };
  } catch (err) {
    events.push(errorEvent(err));
    return undefined;
  }
}

const isTaskError = (err: unknown) =>
  err instanceof TaskAbortedError ||
  err instanceof TaskTimeoutError ||
  err instanceof TaskFailedError ||
  err instanceof TaskCredentialError;

function errorEvent(err: unknown): HalTaskEvent {
  const code = isHal9000Error(err) ? err.code : ((err as { code?: string }).code ?? "INTERNAL");
  return { type: "error", code: String(code), message: (err as Error).message ?? String(err) };
}

/** Where a worker's credential comes from, and the one recommended for a Claude subscription. */
const CREDENTIAL_HINT =
  "see which credential workers get with `hal9000 auth status`; for a Claude subscription run `claude setup-token` and store its long-lived token with `hal9000 auth set --oauth-token` (or set CLAUDE_CODE_OAUTH_TOKEN); for an API key, `hal9000 auth set`";

function stopError(
  stop: Stop,
  worker: string | null,
): TaskAbortedError | TaskTimeoutError | TaskCredentialError {
  if (stop.kind === "credential") {
    const message =
      stop.status === null
        ? `claude in worker ${worker} has no Anthropic credential it can use (it says it is not logged in); the task was stopped`
        : `the Anthropic API refused the credential of worker ${worker} (HTTP ${stop.status}); the task was stopped`;
    return new TaskCredentialError(message, { worker, status: stop.status, hint: CREDENTIAL_HINT });
  }
  const who = worker === null ? "before its worker started" : `worker ${worker} stopped`;
  if (stop.kind === "timeout") {
    return new TaskTimeoutError(`the task timed out after ${stop.ms} ms (${who})`, {
      worker,
      timeoutMs: stop.ms,
      hint: "give it more time (timeoutMs, or --timeout), or a smaller task",
    });
  }
  const why = stop.reason instanceof Error ? `: ${stop.reason.message}` : "";
  return new TaskAbortedError(`the task was aborted (${who})${why}`, {
    worker,
    cause: stop.reason,
    hint: "its transcript so far is in the worker's home, ~/.claude/projects/",
  });
}

type Outcome =
  | { ok: boolean; outcome: TaskOutcome; message: string | null }
  | { error: Error; outcome: TaskOutcome; message: string };

function decideOutcome(
  stop: Stop | undefined,
  final: ClaudeResult | undefined,
  code: number | null,
  name: string,
  plain: string[],
): Outcome {
  if (stop) {
    const error = stopError(stop, name);
    const outcome = stop.kind === "timeout" ? "timed-out" : stop.kind === "aborted" ? "aborted" : "failed";
    return { error, outcome, message: error.message };
  }
  if (!final) {
    const lastOutput = lastOutputLines(plain.join("\n"));
    const said = lastOutput.length > 0 ? `: ${lastOutput.join(" | ")}` : ", printing no result";
    const error = new TaskFailedError(
      `claude in worker ${name} ended without a result (exit code ${code ?? "unknown"})${said}`,
      {
        worker: name,
        exitCode: code,
        lastOutput,
        hint: "check the credential (`hal9000 auth status`) and that the worker reaches the API; run with keep to inspect it",
      },
    );
    return { error, outcome: "failed", message: error.message };
  }
  const ok = !final.isError && code === 0;
  return {
    ok,
    outcome: ok ? "succeeded" : "failed",
    message: ok ? null : `claude reported ${final.subtype}${code === 0 ? "" : ` and exited ${code}`}`,
  };
}

/** SIGTERM to Claude (docker-init forwards it), SIGKILL after the grace period; a gone container is fine. */
async function stopContainer(container: TaskContainer): Promise<void> {
  try {
    await container.engine.containers.stop(container.id, STOP_GRACE_SECONDS);
  } catch (err) {
    log("stopping task worker: %s", (err as Error).message);
  }
}

/** The task's worker container, on the engine it runs on. */
interface TaskContainer {
  engine: Engine;
  id: string;
}

/** The session record says how the task ended; the container goes unless kept. */
async function finish(
  ctx: CoreContext,
  container: TaskContainer,
  name: string,
  keep: boolean,
  outcome: Outcome,
  final: ClaudeResult | undefined,
  code: number | null,
): Promise<void> {
  if (!keep) {
    try {
      await container.engine.containers.remove(container.id);
    } catch (err) {
      log("removing task worker %s: %s", name, (err as Error).message);
    }
  }
  log("task worker %s %s", name, keep ? "kept" : "removed");
  const finishedAt = new Date().toISOString();
  const task: TaskRecord = {
    outcome: outcome.outcome,
    sessionId: final?.sessionId ?? null,
    exitCode: code,
    finishedAt,
    message: outcome.message,
  };
  await recordTask(ctx, container.id, name, { state: keep ? "exited" : "ended", exitCode: code, task });
}

/**
 * The coordinator in the parent marks the same record when the container dies and when it is
 * removed, in another process: a write of its that read the record before ours would drop the
 * task. Its last write for a container is the end of it (exited for a kept one, ended once
 * removed) and it handles a container's events in order, so: wait until the record says that,
 * then write. Without a coordinator that answers in time, write, and check again until the
 * record has held it for one round.
 */
async function recordTask(
  ctx: CoreContext,
  id: string,
  name: string,
  patch: { state: "exited" | "ended"; exitCode: number | null; task: TaskRecord },
): Promise<void> {
  try {
    const seen = await coordinatorEnded(ctx, id, name, patch.state);
    if (seen === "gone") return;
    if (seen !== "timeout") {
      await ctx.sessions.update(name, { ...patch, finishedAt: seen.finishedAt ?? patch.task.finishedAt });
      log("recorded the end of task worker %s", name);
      return;
    }
    log("no coordinator marked task worker %s %s; writing its record and checking it", name, patch.state);
  } catch (err) {
    log("could not record the end of task worker %s: %s", name, (err as Error).message);
    return;
  }
  let held = 0;
  for (let round = 0; round < RECORD_ROUNDS && held < 2; round++) {
    try {
      const current = await ctx.sessions.read(name);
      if (!current) return;
      if (current.task?.finishedAt === patch.task.finishedAt && current.state === patch.state) held++;
      else {
        held = 0;
        await ctx.sessions.update(name, {
          ...patch,
          finishedAt: current.finishedAt ?? patch.task.finishedAt,
        });
      }
    } catch (err) {
      log("could not record the end of task worker %s: %s", name, (err as Error).message);
      return;
    }
    await new Promise((r) => setTimeout(r, RECORD_CHECK_MS));
  }
}

/** Waits (reading the record) until the coordinator has written `state` for container `id`. */
async function coordinatorEnded(
  ctx: CoreContext,
  id: string,
  name: string,
  state: "exited" | "ended",
): Promise<SessionRecord | "gone" | "timeout"> {
  const deadline = Date.now() + COORDINATOR_WAIT_MS;
  let delay = 5;
  for (;;) {
    const current = await ctx.sessions.read(name);
    if (!current || current.id !== id) return "gone"; // a new container of that name owns it now
    if (current.state === state) return current;
    if (Date.now() >= deadline) return "timeout";
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 50);
  }
}

/** Spawns, waiting for a free slot while WORKER_MAX_COUNT workers are active (when `queue`). */
async function spawnQueued(
  ctx: CoreContext,
  opts: SpawnOptions,
  beforeStart: (created: CreatedWorker) => Promise<void>,
  queue: boolean,
  signal: AbortSignal,
  events: EventLog<TaskEvent>,
) {
  let told = false;
  for (;;) {
    if (signal.aborted) throw new Error("stopped before the worker started");
    try {
      const info = await spawnWorker(ctx, opts, { beforeStart });
      if (signal.aborted) {
        // Stopped while spawning: the worker must not outlive the task.
        await stopContainer({ engine: ctx.engine, id: info.id });
        await ctx.engine.containers.remove(info.id).catch(() => undefined);
        throw new Error("stopped while the worker started");
      }
      return info;
    } catch (err) {
      if (!queue || !isHal9000Error(err) || err.code !== "LIMIT_REACHED") throw err;
      if (!told) {
        events.push({ type: "queued", message: err.message });
        told = true;
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, QUEUE_POLL_MS);
        signal.addEventListener(
          "abort",
          () => {
            clearTimeout(t);
            resolve();
          },
          { once: true },
        );
      });
    }
  }
}
