/**
 * The files spawns leave in `<home>/locks/` besides the locks themselves: one intent per spawn
 * in flight (`spawn-intent-<name>.json`: what it is making and who makes it, so whoever finds
 * it after its writer died can undo it) and one stop-all marker per parent (when its latest
 * stop-all was called). Formats, paths and the writer's liveness only; @hal9000/core decides
 * what they mean.
 */
import { readdir, readFile, rm, stat, utimes } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import type { HomeLayout } from "./home.js";
import { DEFAULT_LOCK_STALE_MS, ensureLocksDir, locksDirPath } from "./lock.js";
import { type WriterIdentity, writerIdentity, writerLiveness } from "./process-identity.js";

/** The one intent file of earlier versions (written and removed under the spawn lock). */
export const SPAWN_INTENT_FILE = "spawn-intent.json";
const INTENT_PREFIX = "spawn-intent-";
const INTENT_SUFFIX = ".json";
/**
 * An intent whose writer runs elsewhere (the host's seen from the parent, or the other way) is
 * dead once its file has not been refreshed for this long; its writer refreshes it 3 times as often.
 */
export const SPAWN_INTENT_STALE_MS = DEFAULT_LOCK_STALE_MS;

export interface SpawnIntent extends WriterIdentity {
  name: string;
  parent: string;
  /** The spawn created the worker's home (it did not exist before). */
  homeCreated: boolean;
  /** When the spawn was called (ms since the epoch); 0 if unknown (an earlier version's intent). */
  calledAtMs: number;
  at: string;
}

/** An intent as found in the home. */
export interface FoundSpawnIntent {
  intent: SpawnIntent;
  /** The file's last refresh by its writer. */
  mtimeMs: number;
  /** Written by an earlier version into the one shared file. */
  legacy: boolean;
}

export function spawnIntentPath(layout: HomeLayout, name: string): string {
  return join(locksDirPath(layout), `${INTENT_PREFIX}${name}${INTENT_SUFFIX}`);
}

/**
 * Whether spawns have used this home before (its locks/ is there): until then a spawn takes
 * no lock before its checks passed, so a refused first spawn makes nothing in the home.
 */
export async function spawnStateExists(layout: HomeLayout): Promise<boolean> {
  return stat(locksDirPath(layout)).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** Records this process's intent to make worker `name` (stamped with who writes it and when). */
export async function writeSpawnIntent(
  layout: HomeLayout,
  intent: Pick<SpawnIntent, "name" | "parent" | "homeCreated" | "calledAtMs">,
): Promise<SpawnIntent> {
  const body: SpawnIntent = { ...intent, ...(await writerIdentity()), at: new Date().toISOString() };
  await ensureLocksDir(layout);
  await writeFileAtomic(spawnIntentPath(layout, intent.name), `${JSON.stringify(body)}\n`, { mode: 0o644 });
  return body;
}

/** Keeps an intent fresh, so writers elsewhere do not take it for a dead spawner's. */
export async function touchSpawnIntent(layout: HomeLayout, name: string): Promise<void> {
  const now = new Date();
  await utimes(spawnIntentPath(layout, name), now, now).catch(() => undefined);
}

/** Removes the intent for `name` (undefined: the earlier versions' shared file). */
export async function clearSpawnIntent(layout: HomeLayout, name?: string): Promise<void> {
  const file =
    name === undefined ? join(locksDirPath(layout), SPAWN_INTENT_FILE) : spawnIntentPath(layout, name);
  await rm(file, { force: true });
}

const intentName = (file: string) => file.slice(INTENT_PREFIX.length, -INTENT_SUFFIX.length);

function parseIntent(text: string): SpawnIntent | undefined {
  try {
    const v = JSON.parse(text) as Partial<SpawnIntent>;
    if (typeof v.name === "string" && typeof v.parent === "string" && typeof v.homeCreated === "boolean") {
      return {
        ...(v as SpawnIntent),
        calledAtMs: typeof v.calledAtMs === "number" ? v.calledAtMs : 0,
        pidNamespace: typeof v.pidNamespace === "string" ? v.pidNamespace : null,
        processStart: typeof v.processStart === "string" ? v.processStart : null,
      };
    }
  } catch {
    // Not JSON: reported by the caller like any other unreadable intent.
  }
  return undefined;
}

/**
 * The intents left in the home, every readable one. `unreadable` hears about a file that is
 * not (it names nothing anyone can act on) with the name to clear it by (undefined: the
 * earlier versions' shared file).
 */
export async function readSpawnIntents(
  layout: HomeLayout,
  unreadable?: (name: string | undefined, text: string) => void,
): Promise<FoundSpawnIntent[]> {
  let names: string[];
  try {
    names = await readdir(locksDirPath(layout));
  } catch {
    return [];
  }
  const files = names.filter(
    (n) => n === SPAWN_INTENT_FILE || (n.startsWith(INTENT_PREFIX) && n.endsWith(INTENT_SUFFIX)),
  );
  const found = await Promise.all(
    files.map(async (n): Promise<FoundSpawnIntent | undefined> => {
      const file = join(locksDirPath(layout), n);
      try {
        const [text, s] = await Promise.all([readFile(file, "utf8"), stat(file)]);
        const intent = parseIntent(text);
        if (!intent) unreadable?.(n === SPAWN_INTENT_FILE ? undefined : intentName(n), text);
        return intent && { intent, mtimeMs: s.mtimeMs, legacy: n === SPAWN_INTENT_FILE };
      } catch {
        return undefined; // removed meanwhile: its spawn finished
      }
    }),
  );
  return found.filter((f): f is FoundSpawnIntent => f !== undefined);
}

/**
 * Whether the spawn behind an intent may still be at work. Its writer is known dead on this
 * host and pid namespace; elsewhere it is taken for dead once the file went stale.
 */
export async function spawnIntentLive(
  found: Pick<FoundSpawnIntent, "intent" | "mtimeMs">,
  now = Date.now(),
): Promise<boolean> {
  const liveness = await writerLiveness(found.intent);
  if (liveness !== "unknown") return liveness === "alive";
  return now - found.mtimeMs <= SPAWN_INTENT_STALE_MS;
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
  await ensureLocksDir(layout);
  const body = { calledAtMs, calledAt: new Date(calledAtMs).toISOString(), pid: process.pid };
  await writeFileAtomic(stopAllMarkerPath(layout, parent), `${JSON.stringify(body)}\n`, { mode: 0o644 });
}
