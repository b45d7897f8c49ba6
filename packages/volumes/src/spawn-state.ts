/**
 * The files spawns leave in `<home>/locks/` besides the locks themselves: the spawn intent
 * (what a spawn in flight is making, so the next lock holder can undo it after a crash) and
 * one stop-all marker per parent (when its latest stop-all was called). Formats and paths only;
 * @hal9000/core decides what they mean.
 */
import { mkdir, readFile, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import type { HomeLayout } from "./home.js";
import { locksDirPath } from "./lock.js";

export const SPAWN_INTENT_FILE = "spawn-intent.json";

export interface SpawnIntent {
  name: string;
  parent: string;
  /** The spawn created the worker's home (it did not exist before). */
  homeCreated: boolean;
  pid: number;
  hostname: string;
  at: string;
}

export function spawnIntentPath(layout: HomeLayout): string {
  return join(locksDirPath(layout), SPAWN_INTENT_FILE);
}

/** Records this process's intent (it stamps pid, hostname and time). */
export async function writeSpawnIntent(
  layout: HomeLayout,
  intent: Pick<SpawnIntent, "name" | "parent" | "homeCreated">,
): Promise<void> {
  const body: SpawnIntent = {
    ...intent,
    pid: process.pid,
    hostname: hostname(),
    at: new Date().toISOString(),
  };
  await mkdir(locksDirPath(layout), { recursive: true });
  await writeFileAtomic(spawnIntentPath(layout), `${JSON.stringify(body)}\n`, { mode: 0o644 });
}

export async function clearSpawnIntent(layout: HomeLayout): Promise<void> {
  await rm(spawnIntentPath(layout), { force: true });
}

/**
 * The intent left in the home, if one is there and readable. `unreadable` hears about one that
 * is not (torn by a crash mid-write: it names nothing anyone can act on).
 */
export async function readSpawnIntent(
  layout: HomeLayout,
  unreadable?: (text: string) => void,
): Promise<SpawnIntent | undefined> {
  let text: string;
  try {
    text = await readFile(spawnIntentPath(layout), "utf8");
  } catch {
    return undefined;
  }
  try {
    const v = JSON.parse(text) as Partial<SpawnIntent>;
    if (typeof v.name === "string" && typeof v.parent === "string" && typeof v.homeCreated === "boolean") {
      return v as SpawnIntent;
    }
  } catch {
    // Not JSON: reported below like any other unreadable intent.
  }
  unreadable?.(text);
  return undefined;
}

/** `<home>/locks/stop-all-<parent>.json`: one per parent, so parents sharing a home never cancel each other. */
export function stopAllMarkerPath(layout: HomeLayout, parent: string): string {
  return join(locksDirPath(layout), `stop-all-${parent}.json`);
}

/** When the latest stop-all of `parent` was called (ms since the epoch); 0 if never (or unreadable). */
export async function readStopAllMarker(layout: HomeLayout, parent: string): Promise<number> {
  try {
    const value = JSON.parse(await readFile(stopAllMarkerPath(layout, parent), "utf8")) as {
      calledAtMs?: unknown;
    };
    return typeof value.calledAtMs === "number" && Number.isFinite(value.calledAtMs) ? value.calledAtMs : 0;
  } catch {
    return 0;
  }
}

export async function writeStopAllMarker(
  layout: HomeLayout,
  parent: string,
  calledAtMs: number,
): Promise<void> {
  await mkdir(locksDirPath(layout), { recursive: true });
  const body = { calledAtMs, calledAt: new Date(calledAtMs).toISOString(), pid: process.pid };
  await writeFileAtomic(stopAllMarkerPath(layout, parent), `${JSON.stringify(body)}\n`, { mode: 0o644 });
}
