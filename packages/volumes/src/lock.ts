/**
 * A lock on the filesystem, so that processes on the host and inside the parent container (which
 * see the same HAL9000_HOME through a bind mount) never interleave, e.g. "count the workers, then
 * create one". `<home>/locks/<name>.lock` is created with O_EXCL and holds its owner (pid, hostname,
 * pid namespace, token); the owner refreshes its mtime while it runs. Not reentrant.
 */
import { randomBytes } from "node:crypto";
import { chown, mkdir, open, readFile, stat, unlink, utimes } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { HomeError, VolumesError } from "./errors.js";
import type { HomeLayout } from "./home.js";
import { isProcessAlive, pidNamespace } from "./process-identity.js";

export const LOCKS_DIR_NAME = "locks";
export const DEFAULT_LOCK_TIMEOUT_MS = 30_000;
export const DEFAULT_LOCK_STALE_MS = 60_000;

export interface LockOptions {
  /** Give up waiting after this long with LOCK_TIMEOUT (default 30 s). */
  timeoutMs?: number;
  /** A lock whose mtime is older than this belongs to a crashed holder and is broken (default 60 s). */
  staleMs?: number;
  /** Stops the wait (not `fn`): withLock rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** What a lock file says about its holder. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** /proc/self/ns/pid: a pid means the same process only within one pid namespace. */
  pidNamespace: string | null;
  acquiredAt: string;
  token: string;
}

const LOCK_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Breaking a stale lock takes milliseconds; a breaker file older than this was left by a crash. */
const BREAKER_STALE_MS = 5_000;
const FIRST_DELAY_MS = 5;
const MAX_DELAY_MS = 200;

/** Why `name` cannot name a lock, or undefined when it can. */
export function lockNameProblem(name: unknown): string | undefined {
  if (typeof name !== "string" || name === "") return "a lock name is required";
  if (!LOCK_NAME_RE.test(name)) return `lock name ${JSON.stringify(name)} is not a plain file name`;
  return undefined;
}

export function locksDirPath(layout: HomeLayout): string {
  return join(layout.home, LOCKS_DIR_NAME);
}

export function lockFilePath(layout: HomeLayout, name: string): string {
  const problem = lockNameProblem(name);
  if (problem) {
    throw new VolumesError("INVALID_NAME", problem, {
      hint: 'use 1-64 characters from [A-Za-z0-9_.-], starting with a letter or digit, e.g. "spawn"',
    });
  }
  return join(locksDirPath(layout), `${name}.lock`);
}

const errCode = (err: unknown) => (err as NodeJS.ErrnoException).code;

function parseHolder(text: string): LockHolder | undefined {
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (
      typeof h === "object" &&
      h !== null &&
      Number.isInteger(h.pid) &&
      (h.pid as number) > 0 &&
      typeof h.hostname === "string" &&
      typeof h.token === "string" &&
      typeof h.acquiredAt === "string"
    ) {
      return {
        ...(h as LockHolder),
        pidNamespace: typeof h.pidNamespace === "string" ? h.pidNamespace : null,
      };
    }
  } catch {
    // Empty (being written, or its writer crashed) or not ours: only its age counts.
  }
  return undefined;
}

async function inspectLock(path: string): Promise<{ mtimeMs: number; holder?: LockHolder } | undefined> {
  try {
    const { mtimeMs } = await stat(path);
    const holder = parseHolder(await readFile(path, "utf8"));
    return holder ? { mtimeMs, holder } : { mtimeMs };
  } catch (err) {
    if (errCode(err) === "ENOENT") return undefined;
    throw err;
  }
}

async function isStale(seen: { mtimeMs: number; holder?: LockHolder }, staleMs: number): Promise<boolean> {
  if (Date.now() - seen.mtimeMs > staleMs) return true;
  const h = seen.holder;
  // A dead pid proves a crash only in our own pid namespace on our own host.
  return (
    h !== undefined &&
    h.hostname === hostname() &&
    h.pidNamespace === (await pidNamespace()) &&
    !isProcessAlive(h.pid)
  );
}

/**
 * Remove the lock if its holder crashed; true when it is gone. Breakers take turns (O_EXCL on
 * `<lock>.break`) and look again once it is their turn, so one never removes a lock that another
 * breaker has just taken.
 */
async function breakIfStale(path: string, staleMs: number): Promise<boolean> {
  const seen = await inspectLock(path);
  if (!seen) return true;
  if (!(await isStale(seen, staleMs))) return false;
  const breaker = `${path}.break`;
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(breaker, "wx", 0o644);
  } catch (err) {
    if (errCode(err) !== "EEXIST") throw err;
    const s = await stat(breaker).catch(() => undefined);
    if (s && Date.now() - s.mtimeMs > BREAKER_STALE_MS) await unlink(breaker).catch(() => {});
    return false;
  }
  try {
    const again = await inspectLock(path);
    if (!again) return true;
    if (!(await isStale(again, staleMs))) return false;
    await unlink(path).catch((err) => {
      if (errCode(err) !== "ENOENT") throw err;
    });
    return true;
  } finally {
    await file.close();
    await unlink(breaker).catch(() => {});
  }
}

/** locks/ exists; made by root (inside the parent container) it goes to the home's owner, who locks too. */
export async function ensureLocksDir(layout: HomeLayout): Promise<void> {
  const dir = locksDirPath(layout);
  const created = await mkdir(dir, { recursive: true, mode: 0o755 });
  if (created !== undefined && process.getuid?.() === 0) {
    const home = await stat(layout.home);
    if (home.uid !== 0) await chown(dir, home.uid, home.gid);
  }
}

async function tryCreate(layout: HomeLayout, path: string): Promise<LockHolder | undefined> {
  const holder: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    pidNamespace: await pidNamespace(),
    acquiredAt: new Date().toISOString(),
    token: randomBytes(12).toString("hex"),
  };
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, "wx", 0o644);
  } catch (err) {
    if (errCode(err) === "EEXIST") return undefined;
    if (errCode(err) !== "ENOENT") throw err;
    await ensureLocksDir(layout);
    return tryCreate(layout, path);
  }
  try {
    await file.writeFile(`${JSON.stringify(holder)}\n`, "utf8");
  } catch (err) {
    await file.close().catch(() => {});
    await unlink(path).catch(() => {});
    throw err;
  }
  await file.close();
  return holder;
}

async function timeoutError(name: string, path: string, timeoutMs: number): Promise<HomeError> {
  const seen = await inspectLock(path).catch(() => undefined);
  const h = seen?.holder;
  const by = h ? `, held by pid ${h.pid} on ${h.hostname} since ${h.acquiredAt}` : "";
  return new HomeError(`timed out after ${timeoutMs / 1000}s waiting for the "${name}" lock (${path})${by}`, {
    code: "LOCK_TIMEOUT",
    hint: `another hal9000 command is probably still at work; wait for it and retry. If no hal9000 is running, the lock is stale: remove it (rm ${path}) and retry`,
  });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted", "AbortError");
}

async function acquire(
  layout: HomeLayout,
  name: string,
  path: string,
  opts: LockOptions,
  /** What the error says was waited for (the whole wait, the in-process queue included). */
  reportedTimeoutMs: number,
): Promise<LockHolder> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const staleMs = opts.staleMs ?? DEFAULT_LOCK_STALE_MS;
  const { signal } = opts;
  const deadline = Date.now() + timeoutMs;
  let delay = FIRST_DELAY_MS;
  for (;;) {
    if (signal?.aborted) throw abortReason(signal);
    try {
      const holder = await tryCreate(layout, path);
      if (holder) return holder;
      if (await breakIfStale(path, staleMs)) continue;
    } catch (err) {
      if (err instanceof VolumesError) throw err;
      throw new HomeError(`cannot take the "${name}" lock (${path}): ${errCode(err) ?? String(err)}`, {
        hint: `check that you can write to ${locksDirPath(layout)} (ls -ld ${locksDirPath(layout)}; chown it to yourself)`,
      });
    }
    const left = deadline - Date.now();
    if (left <= 0) throw await timeoutError(name, path, reportedTimeoutMs);
    // Randomized so waiters that collided once do not collide again in lockstep.
    const wait = Math.min(left, Math.ceil(delay * (0.5 + Math.random())));
    try {
      await sleep(wait, undefined, signal ? { signal } : undefined);
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      throw err;
    }
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}

async function release(path: string, holder: LockHolder): Promise<void> {
  const seen = await inspectLock(path).catch(() => undefined);
  // Ours only: if we were taken for crashed and broken, the file now belongs to someone else.
  if (seen?.holder?.token !== holder.token) return;
  await unlink(path).catch((err) => {
    if (errCode(err) !== "ENOENT") throw err;
  });
}

/**
 * Run `fn` while holding `<home>/locks/<name>.lock`, across processes, containers and hosts sharing
 * HAL9000_HOME. Waits with randomized backoff, breaks the lock of a crashed holder (older than
 * staleMs, or a dead pid on this host), always releases.
 */
export async function withLock<T>(
  layout: HomeLayout,
  name: string,
  fn: () => Promise<T>,
  opts: LockOptions = {},
): Promise<T> {
  const path = lockFilePath(layout, name);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const turn = queueLocally(path);
  try {
    await waitTurn(turn.before, deadline, opts.signal, () => timeoutError(name, path, timeoutMs));
    const left = Math.max(1, deadline - Date.now());
    return await holding(layout, name, path, fn, { ...opts, timeoutMs: left }, timeoutMs);
  } finally {
    turn.done();
  }
}

/**
 * Callers in one process take turns here, in order, before the lock file: a waiter behind
 * another one of this process is woken when that one is done instead of polling the file.
 */
const localQueues = new Map<string, Promise<void>>();

function queueLocally(path: string): { before: Promise<void>; done: () => void } {
  const before = localQueues.get(path) ?? Promise.resolve();
  let done = () => {};
  const mine = new Promise<void>((resolve) => {
    done = resolve;
  });
  const tail = before.then(() => mine);
  localQueues.set(path, tail);
  return {
    before,
    done: () => {
      done();
      if (localQueues.get(path) === tail) localQueues.delete(path);
    },
  };
}

async function waitTurn(
  before: Promise<void>,
  deadline: number,
  signal: AbortSignal | undefined,
  onTimeout: () => Promise<Error>,
): Promise<void> {
  if (signal?.aborted) throw abortReason(signal);
  let timer: NodeJS.Timeout | undefined;
  let onAbort = () => {};
  try {
    const outcome = await Promise.race([
      before.then(() => "turn" as const),
      new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()));
      }),
      new Promise<"abort">((resolve) => {
        onAbort = () => resolve("abort");
        signal?.addEventListener("abort", onAbort, { once: true });
      }),
    ]);
    if (outcome === "abort" && signal) throw abortReason(signal);
    if (outcome === "timeout") throw await onTimeout();
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

async function holding<T>(
  layout: HomeLayout,
  name: string,
  path: string,
  fn: () => Promise<T>,
  opts: LockOptions,
  timeoutMs: number,
): Promise<T> {
  const holder = await acquire(layout, name, path, opts, timeoutMs);
  const staleMs = opts.staleMs ?? DEFAULT_LOCK_STALE_MS;
  // A long fn must not look crashed: keep the mtime fresh well within staleMs.
  const heartbeat = setInterval(
    () => {
      const now = new Date();
      utimes(path, now, now).catch(() => {});
    },
    Math.max(10, Math.floor(staleMs / 3)),
  );
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    await release(path, holder);
  }
}
