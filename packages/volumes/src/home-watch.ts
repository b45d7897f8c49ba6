/**
 * Watches the files of HAL9000_HOME that change with no Docker event, without polling: the
 * session records (sessions/), each worker's state folder (workers/<name>/.hal9000, where its
 * hooks write state.json and events.jsonl) and any extra files (the coordinator's log).
 */
import { type FSWatcher, watch } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import type { HomeLayout } from "./home.js";
import { WORKER_STATE_DIR } from "./worker-state.js";

export interface HomeWatch {
  /**
   * Watches the state folders of the workers that appeared since the last refresh. A worker's
   * folder exists before its container starts, so a refresh after its Docker event finds it;
   * a folder that goes away drops its watcher.
   */
  refresh(): Promise<void>;
  close(): void;
}

/** Calls `onChange` (often; coalescing is the caller's) whenever one of those files changes, until `signal` aborts. */
export function watchHome(
  layout: HomeLayout,
  opts: { signal: AbortSignal; onChange: () => void; files?: readonly string[] },
): HomeWatch {
  const { signal, onChange } = opts;
  const watchers = [layout.sessions, ...(opts.files ?? [])].flatMap((file) => {
    try {
      return [watch(file, { signal }, onChange)];
    } catch {
      return []; // not there (yet): Docker events still count
    }
  });
  const stateDirs = new Map<string, FSWatcher>();
  return {
    async refresh() {
      const names = await readdir(layout.workers).catch(() => [] as string[]);
      for (const name of names) {
        if (stateDirs.has(name) || signal.aborted) continue;
        try {
          const w = watch(path.join(layout.workers, name, WORKER_STATE_DIR), { signal }, onChange);
          w.on("error", () => {
            w.close();
            stateDirs.delete(name);
          });
          stateDirs.set(name, w);
        } catch {
          // no state folder (yet): a later refresh tries again
        }
      }
    },
    close() {
      for (const w of watchers) w.close();
      for (const w of stateDirs.values()) w.close();
      stateDirs.clear();
    },
  };
}
