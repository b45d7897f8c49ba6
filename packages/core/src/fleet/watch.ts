import { setTimeout as sleep } from "node:timers/promises";
import { watchHome } from "@hal9000/volumes";
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
  // The home's files (volumes watches them): session records, state folders, opts.files.
  const home = watchHome(ctx.layout, { signal, files: opts.files, onChange: () => changed() });
  const changed = coalesce(
    async () => {
      await home.refresh();
      await opts.onChange();
    },
    opts.coalesceMs ?? 150,
    signal,
    opts.onError,
  );
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
    home.close();
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
