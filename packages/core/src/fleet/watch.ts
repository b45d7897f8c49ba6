import { watch as watchFiles } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { CoreContext } from "../context/context.js";
import { mapDockerError } from "../engine/docker.js";
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
 * Watches this fleet without polling: Docker events of the parent and its workers, and the
 * session records (a worker's recorded state), until `signal` aborts. Lets a long-lived view
 * (a dashboard pane) redraw when something changed instead of asking every few seconds.
 */
export async function watchFleet(ctx: CoreContext, opts: FleetWatchOptions): Promise<void> {
  const { signal } = opts;
  const parent = ctx.config.parentName;
  const changed = coalesce(opts.onChange, opts.coalesceMs ?? 150, signal, opts.onError);
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
        const stream = await ctx.docker.getEvents({
          filters: { type: ["container"], label: [LABEL_ROLE] },
        });
        delay = 500;
        changed(); // whatever happened while nobody listened
        await eachEvent(stream, signal, (e) => {
          const a = e.Actor?.Attributes ?? {};
          if (a[LABEL_PARENT] === parent || a.name === parent) changed();
        });
      } catch (err) {
        if (signal.aborted) break;
        opts.onError?.(mapDockerError(err, ctx.docker, "watching Docker events"));
      }
      await sleep(delay, undefined, { signal }).catch(() => undefined);
      delay = Math.min(delay * 2, 10_000);
    }
  } finally {
    for (const w of watchers) w.close();
  }
}

interface DockerEvent {
  Actor?: { Attributes?: Record<string, string> };
}

function eachEvent(stream: NodeJS.ReadableStream, signal: AbortSignal, fn: (e: DockerEvent) => void) {
  return new Promise<void>((resolve, reject) => {
    let buffer = "";
    const onAbort = () => {
      (stream as { destroy?: () => void }).destroy?.();
      resolve();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    stream.on("data", (chunk: Buffer | string) => {
      buffer += chunk.toString();
      for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
        const line = buffer.slice(0, i).trim();
        buffer = buffer.slice(i + 1);
        if (line === "") continue;
        try {
          fn(JSON.parse(line) as DockerEvent);
        } catch {
          // not an event: ignore
        }
      }
    });
    const done = () => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    };
    stream.once("end", done);
    stream.once("close", done);
    stream.once("error", (err) => {
      signal.removeEventListener("abort", onAbort);
      reject(err);
    });
  });
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
