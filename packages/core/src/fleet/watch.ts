import { type FSWatcher, watch as watchFiles } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { WORKER_STATE_DIR } from "@hal9000/volumes";
import type { CoreContext } from "../context/context.js";
import { LABEL_PARENT, LABEL_ROLE } from "../vocabulary/labels.js";

export interface FleetWatchOptions {
  /** Stops watching. */
  signal: AbortSignal;
  /** Called once first, then after every change (coalesced: never twice at once). */
  onChange: () => Promise<void> | void;
  /** Called when the Docker event stream breaks (it reconnects by itself). */
  onError?: (err: Error) => void;
  /** Extra files or folders whose changes count (e.g. the coordinator's log). */
  files?: string[];
  /** Changes closer together than this make one call; default 150 ms. */
  coalesceMs?: number;
}

/**
 * Watches this fleet without polling: Docker events of the parent and its workers, the
 * session records (a worker's recorded state) and each worker's state folder (its agent state,
 * which changes with no Docker event), until `signal` aborts. Lets a long-lived view (a
 * dashboard pane) redraw when something changed instead of asking every few seconds.
 */
export async function watchFleet(ctx: CoreContext, opts: FleetWatchOptions): Promise<void> {
  const { signal } = opts;
  const parent = ctx.config.parentName;
  const stateDirs = new StateDirWatchers(ctx.layout.workers, signal);
  const changed = coalesce(
    async () => {
      await stateDirs.refresh(changed);
      await opts.onChange();
    },
    opts.coalesceMs ?? 150,
    signal,
    opts.onError,
  );
  const watchers = [ctx.layout.sessions, ...(opts.files ?? [])].flatMap((path) => {
    try {
      return [watchFiles(path, { signal }, changed)];
    } catch {
      return []; // not there (yet): Docker events still count
    }
  });
  changed();
  let delay = 500;
  try {
    while (!signal.aborted) {
      try {
        const events = await ctx.engine.events(
          { filters: { type: ["container"], label: [LABEL_ROLE] }, what: "watching Docker events" },
          signal,
        );
        delay = 500;
        changed(); // whatever happened while nobody listened
        for await (const e of events) {
          const a = e.Actor?.Attributes ?? {};
          if (a[LABEL_PARENT] === parent || a.name === parent) changed();
        }
      } catch (err) {
        if (signal.aborted) break;
        opts.onError?.(err as Error);
      }
      await sleep(delay, undefined, { signal }).catch(() => undefined);
      delay = Math.min(delay * 2, 10_000);
    }
  } finally {
    for (const w of watchers) w.close();
    stateDirs.close();
  }
}

/**
 * One watcher per worker's state folder (workers/<name>/.hal9000, where its hooks write state.json
 * and events.jsonl). A worker's folder exists before its container starts, so the refresh after
 * its Docker event finds it; a folder that goes away drops its watcher.
 */
class StateDirWatchers {
  readonly #watchers = new Map<string, FSWatcher>();
  constructor(
    private readonly workers: string,
    private readonly signal: AbortSignal,
  ) {}

  async refresh(onChange: () => void): Promise<void> {
    const names = await readdir(this.workers).catch(() => [] as string[]);
    for (const name of names) {
      if (this.#watchers.has(name) || this.signal.aborted) continue;
      try {
        const w = watchFiles(
          path.join(this.workers, name, WORKER_STATE_DIR),
          { signal: this.signal },
          onChange,
        );
        w.on("error", () => {
          w.close();
          this.#watchers.delete(name);
        });
        this.#watchers.set(name, w);
      } catch {
        // no state folder (yet): a later refresh tries again
      }
    }
  }

  close(): void {
    for (const w of this.#watchers.values()) w.close();
    this.#watchers.clear();
  }
}

/** `fn` after changes settle for `ms`, one call at a time; a change during a call runs it once more. */
function coalesce(
  fn: () => Promise<void> | void,
  ms: number,
  signal: AbortSignal,
  onError?: (err: Error) => void,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  const fire = async () => {
    timer = undefined;
    if (signal.aborted) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await fn();
    } catch (err) {
      onError?.(err as Error);
    } finally {
      running = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  };
  const schedule = () => {
    if (timer === undefined && !signal.aborted) timer = setTimeout(fire, ms);
  };
  signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
  return schedule;
}
