/**
 * A worker's agent state, as Claude Code's hooks record it in the worker's own home
 * (workers/<name>/.hal9000/, /home/worker/.hal9000 inside the worker): `state.json` holds the
 * latest state, `events.jsonl` one line per hook that fired, so a watcher that polls misses
 * no short-lived state. Each line is the same JSON object:
 *   {"state":"working","since":"2026-12-01T09:00:00.123Z","event":"PreToolUse",
 *    "tool":"Write","lastTool":"Write","message":null,"sessionId":"…"}
 * The hooks are plain POSIX sh (the ultramin worker has no jq), so the host reads leniently.
 */
import { open, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { HomeLayout } from "./home.js";
import { readTextIfExists } from "./read-text.js";
import { workerHomePath } from "./worker-homes.js";

/** What the hooks record (hal9000 adds `starting` before any hook fired and `exited` after the container). */
export const HOOK_STATES = ["ready", "working", "waiting", "idle", "done"] as const;
export type HookState = (typeof HOOK_STATES)[number];

/** One hook's record. */
export interface HookRecord {
  state: HookState;
  /** When the worker entered it (ISO). */
  since: string;
  /** The Claude Code hook event that recorded it, e.g. "PreToolUse". */
  event: string | null;
  /** The last tool Claude used (or asked to use) in this session. */
  lastTool: string | null;
  /** A waiting worker: what Claude asks for ("Claude needs your permission to use Bash"). */
  message: string | null;
  sessionId: string | null;
}

/** The directory of the state files, relative to the worker's home. */
export const WORKER_STATE_DIR = ".hal9000";
export const WORKER_STATE_FILE = "state.json";
export const WORKER_EVENTS_FILE = "events.jsonl";

export function workerStatePaths(
  layout: HomeLayout,
  name: string,
): { dir: string; state: string; events: string } {
  const dir = join(workerHomePath(layout, name), WORKER_STATE_DIR);
  return { dir, state: join(dir, WORKER_STATE_FILE), events: join(dir, WORKER_EVENTS_FILE) };
}

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/** A hook's line as a record; undefined when it is not one (a torn or foreign line). */
export function parseHookRecord(text: string): HookRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== "object" || v === null) return undefined;
  const r = v as Record<string, unknown>;
  if (!HOOK_STATES.includes(r.state as HookState)) return undefined;
  const since = str(r.since);
  if (since === null || Number.isNaN(Date.parse(since))) return undefined;
  return {
    state: r.state as HookState,
    since,
    event: str(r.event),
    lastTool: str(r.lastTool) ?? str(r.tool),
    message: str(r.message),
    sessionId: str(r.sessionId),
  };
}

/** The latest record of a worker's hooks, or undefined when none fired (or the worker is unknown). */
export async function readHookState(layout: HomeLayout, name: string): Promise<HookRecord | undefined> {
  const text = await readTextIfExists(workerStatePaths(layout, name).state);
  return text === undefined ? undefined : parseHookRecord(text.trim());
}

/** The size of a worker's events.jsonl: where a reader that wants only what comes next starts (0: none yet). */
export async function hookEventsSize(layout: HomeLayout, name: string): Promise<number> {
  return stat(workerStatePaths(layout, name).events).then(
    (s) => s.size,
    () => 0,
  );
}

/**
 * The hook records appended since byte `offset` of events.jsonl, and the offset to read on
 * from (a line still being written is left for the next read).
 */
export async function readHookEvents(
  layout: HomeLayout,
  name: string,
  offset = 0,
): Promise<{ records: HookRecord[]; offset: number }> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(workerStatePaths(layout, name).events, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { records: [], offset: 0 };
    throw err;
  }
  try {
    const { size } = await fh.stat();
    const start = size < offset ? 0 : offset; // truncated: a new worker of the name
    if (size === start) return { records: [], offset: start };
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    const text = buf.toString("utf8");
    const end = text.lastIndexOf("\n");
    if (end === -1) return { records: [], offset: start };
    const records = text
      .slice(0, end)
      .split("\n")
      .map((l) => parseHookRecord(l.trim()))
      .filter((r): r is HookRecord => r !== undefined);
    return { records, offset: start + Buffer.byteLength(text.slice(0, end + 1)) };
  } finally {
    await fh.close();
  }
}

/** Forgets what an earlier worker of this name recorded (before a new one starts). */
export async function clearHookState(layout: HomeLayout, name: string): Promise<void> {
  const paths = workerStatePaths(layout, name);
  await rm(paths.state, { force: true });
  await rm(paths.events, { force: true });
}
