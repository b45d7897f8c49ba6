import type { CoreContext } from "../context/context.js";
import { InvalidInputError } from "../vocabulary/errors.js";
import {
  runTask,
  type TaskHandle,
  type TaskOptions,
  type TaskResult,
  validateTaskOptions,
} from "./run-task.js";

export interface RunTasksOptions {
  /** How many tasks run at once (default 2); WORKER_MAX_COUNT still holds: tasks queue for a slot. */
  concurrency?: number;
  /** Stop the other tasks when one fails (rejects, or Claude reports an error). Default false. */
  failFast?: boolean;
  /** Aborting it stops every task still running or waiting. */
  signal?: AbortSignal;
  /** Called with each task's handle as it starts (to follow its events). */
  onStart?: (index: number, handle: TaskHandle) => void;
}

/** One task's end, in input order: its result, or why it has none. */
export type TaskSettled = PromiseSettledResult<TaskResult>;

/**
 * Runs tasks over one parent, at most `concurrency` at a time; resolves with one settled
 * result per task, in input order. One failure does not stop the others unless `failFast`.
 */
export async function runTasks(
  ctx: CoreContext,
  tasks: readonly TaskOptions[],
  opts: RunTasksOptions = {},
  prepare?: () => Promise<unknown>,
): Promise<TaskSettled[]> {
  const concurrency = opts.concurrency ?? 2;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidInputError(`invalid concurrency ${JSON.stringify(opts.concurrency)}`, {
      hint: "give a whole number of tasks to run at once, 1 or more, e.g. { concurrency: 2 }",
    });
  }
  if (!Array.isArray(tasks)) {
    throw new InvalidInputError("runTasks needs a list of tasks", { hint: 'e.g. [{ prompt: "say hi" }]' });
  }
  // Bad input fails before any worker exists.
  tasks.forEach((t, i) => {
    try {
      validateTaskOptions(t);
    } catch (err) {
      throw new InvalidInputError(`task ${i + 1}: ${(err as Error).message}`, {
        hint: (err as { hint?: string }).hint,
      });
    }
  });
  await prepare?.();
  const all = new AbortController();
  const abortAll = (reason: unknown) => {
    if (!all.signal.aborted) all.abort(reason);
  };
  const onAbort = () => abortAll(opts.signal?.reason);
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener("abort", onAbort, { once: true });

  const settled: TaskSettled[] = new Array(tasks.length);
  let next = 0;
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= tasks.length) return;
      const task = tasks[i] as TaskOptions;
      const signal = task.signal ? eitherSignal(task.signal, all.signal) : all.signal;
      const handle = runTask(ctx, { ...task, signal });
      opts.onStart?.(i, handle);
      try {
        const value = await handle.result;
        settled[i] = { status: "fulfilled", value };
        if (!value.ok && opts.failFast) abortAll(new Error(`task ${i + 1} failed`));
      } catch (reason) {
        settled[i] = { status: "rejected", reason };
        if (opts.failFast) abortAll(new Error(`task ${i + 1} failed`));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, lane));
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
  }
  return settled;
}

/** Aborts when either does (AbortSignal.any is missing from Node 18, the parent's runtime). */
function eitherSignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  const c = new AbortController();
  const on = (s: AbortSignal) => () => c.abort(s.reason);
  if (a.aborted) c.abort(a.reason);
  else if (b.aborted) c.abort(b.reason);
  else {
    a.addEventListener("abort", on(a), { once: true });
    b.addEventListener("abort", on(b), { once: true });
  }
  return c.signal;
}
