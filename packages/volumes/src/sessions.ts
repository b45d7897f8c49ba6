/**
 * Session records: one JSON file per worker (`<name>.json`), written atomically (temp file in the
 * same directory, then rename) so a reader never sees half a record and concurrent writers of
 * different records never lose one. A corrupt file is reported, never fatal.
 */
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { VolumesError } from "./errors.js";
import { assertWorkerName, workerNameProblem } from "./names.js";
import { readTextIfExists } from "./read-text.js";

export type SessionState = "created" | "running" | "exited" | "ended";

/** How a headless task (runTask, `hal9000 run`) ended. */
export type TaskOutcome = "succeeded" | "failed" | "aborted" | "timed-out";
export const TASK_OUTCOMES: readonly TaskOutcome[] = ["succeeded", "failed", "aborted", "timed-out"];

/** What the record of a task's worker says about the task. */
export interface TaskRecord {
  outcome: TaskOutcome;
  /** Claude's session id (its transcript is in the worker's home, ~/.claude/projects/). */
  sessionId: string | null;
  exitCode: number | null;
  finishedAt: string;
  /** Why it failed, was aborted or timed out. */
  message: string | null;
}

export interface SessionRecord {
  schemaVersion: 1;
  name: string;
  id: string;
  image: string;
  parent: string;
  project: string | null;
  created: string;
  detached: boolean;
  removeOnExit: boolean;
  state: SessionState;
  exitCode: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** Only for a worker that ran a headless task: how it ended. */
  task?: TaskRecord;
}

export const SESSION_SCHEMA_VERSION = 1;
const STATES: readonly SessionState[] = ["created", "running", "exited", "ended"];
const DAY_MS = 86_400_000;

const isDate = (v: unknown): v is string => typeof v === "string" && v !== "" && !Number.isNaN(Date.parse(v));
const isDateOrNull = (v: unknown) => v === null || isDate(v);

/** Why `value` is not a SessionRecord, or undefined when it is one. */
export function sessionRecordProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object";
  const r = value as Record<string, unknown>;
  if (r.schemaVersion !== SESSION_SCHEMA_VERSION) {
    return `unsupported schemaVersion ${JSON.stringify(r.schemaVersion)} (expected ${SESSION_SCHEMA_VERSION})`;
  }
  const nameProblem = workerNameProblem(r.name);
  if (nameProblem) return `name: ${nameProblem}`;
  for (const key of ["id", "image", "parent"] as const) {
    if (typeof r[key] !== "string") return `${key} must be a string`;
  }
  if (r.project !== null && typeof r.project !== "string") return "project must be a string or null";
  if (!isDate(r.created)) return "created must be an ISO date";
  for (const key of ["detached", "removeOnExit"] as const) {
    if (typeof r[key] !== "boolean") return `${key} must be true or false`;
  }
  if (!STATES.includes(r.state as SessionState)) return `state must be one of ${STATES.join(", ")}`;
  if (r.exitCode !== null && !Number.isInteger(r.exitCode)) return "exitCode must be an integer or null";
  if (!isDateOrNull(r.startedAt)) return "startedAt must be an ISO date or null";
  if (!isDateOrNull(r.finishedAt)) return "finishedAt must be an ISO date or null";
  if (r.task !== undefined) return taskRecordProblem(r.task);
  return undefined;
}

function taskRecordProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "task must be an object";
  const t = value as Record<string, unknown>;
  if (!TASK_OUTCOMES.includes(t.outcome as TaskOutcome))
    return `task.outcome must be one of ${TASK_OUTCOMES.join(", ")}`;
  if (t.sessionId !== null && typeof t.sessionId !== "string")
    return "task.sessionId must be a string or null";
  if (t.exitCode !== null && !Number.isInteger(t.exitCode)) return "task.exitCode must be an integer or null";
  if (!isDate(t.finishedAt)) return "task.finishedAt must be an ISO date";
  if (t.message !== null && typeof t.message !== "string") return "task.message must be a string or null";
  return undefined;
}

/** Only the known fields, in a stable order. */
function canonical(r: SessionRecord): SessionRecord {
  const record: SessionRecord = {
    schemaVersion: 1,
    name: r.name,
    id: r.id,
    image: r.image,
    parent: r.parent,
    project: r.project,
    created: r.created,
    detached: r.detached,
    removeOnExit: r.removeOnExit,
    state: r.state,
    exitCode: r.exitCode,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  };
  if (r.task !== undefined) {
    const t = r.task;
    record.task = {
      outcome: t.outcome,
      sessionId: t.sessionId,
      exitCode: t.exitCode,
      finishedAt: t.finishedAt,
      message: t.message,
    };
  }
  return record;
}

export class SessionStore {
  readonly dir: string;
  /** Per-name queue: read-modify-write of one record in this process never interleaves. */
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(dir: string) {
    this.dir = dir;
  }

  path(name: string): string {
    assertWorkerName(name);
    return join(this.dir, `${name}.json`);
  }

  async write(r: SessionRecord): Promise<void> {
    const problem = sessionRecordProblem(r);
    if (problem) {
      throw new VolumesError(
        "INVALID_RECORD",
        `session record for "${String(r?.name)}" is invalid: ${problem}`,
        {
          hint: "pass a complete SessionRecord with schemaVersion 1",
        },
      );
    }
    const file = this.path(r.name);
    await mkdir(this.dir, { recursive: true });
    // The temp name is hidden: list() ignores it.
    await writeFileAtomic(file, `${JSON.stringify(canonical(r), null, 2)}\n`, { mode: 0o644 });
  }

  /** The record, undefined if there is none; a corrupt file throws CORRUPT_RECORD. */
  async read(name: string): Promise<SessionRecord | undefined> {
    const file = this.path(name);
    const text = await readTextIfExists(file);
    if (text === undefined) return undefined;
    const parsed = parseRecord(text, name);
    if ("error" in parsed) {
      throw new VolumesError("CORRUPT_RECORD", `session record ${file} is corrupt: ${parsed.error}`, {
        hint: `delete it (rm ${file}); hal9000 recreates records for live workers`,
      });
    }
    return parsed.record;
  }

  async list(): Promise<{ records: SessionRecord[]; corrupt: { file: string; error: string }[] }> {
    let entries: string[];
    try {
      entries = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { records: [], corrupt: [] };
      throw err;
    }
    const records: SessionRecord[] = [];
    const corrupt: { file: string; error: string }[] = [];
    for (const entry of entries.sort()) {
      if (!entry.endsWith(".json") || entry.startsWith(".")) continue;
      const file = join(this.dir, entry);
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT") continue; // removed while listing
        corrupt.push({ file, error: `cannot read: ${code ?? String(err)}` });
        continue;
      }
      const parsed = parseRecord(text, entry.slice(0, -".json".length));
      if ("error" in parsed) corrupt.push({ file, error: parsed.error });
      else records.push(parsed.record);
    }
    records.sort((a, b) => a.created.localeCompare(b.created) || a.name.localeCompare(b.name));
    return { records, corrupt };
  }

  /** Merge `patch` into the record; undefined when there is no record. The name cannot change. */
  update(name: string, patch: Partial<SessionRecord>): Promise<SessionRecord | undefined> {
    assertWorkerName(name);
    if (patch.name !== undefined && patch.name !== name) {
      return Promise.reject(
        new VolumesError("INVALID_RECORD", `cannot rename session record "${name}" to "${patch.name}"`, {
          hint: "write a new record under the new name and remove the old one",
        }),
      );
    }
    return this.#locked(name, async () => {
      const current = await this.read(name);
      if (!current) return undefined;
      const next = { ...current, ...patch, name, schemaVersion: 1 } as SessionRecord;
      await this.write(next);
      return canonical(next);
    });
  }

  async remove(name: string): Promise<void> {
    await rm(this.path(name), { force: true });
  }

  /** Records of workers that are gone (created/running but not live) become `ended`; returns their names. */
  async reconcile(liveNames: ReadonlySet<string>, now: Date = new Date()): Promise<string[]> {
    const { records } = await this.list();
    const ended: string[] = [];
    for (const r of records) {
      if ((r.state !== "created" && r.state !== "running") || liveNames.has(r.name)) continue;
      const updated = await this.update(r.name, {
        state: "ended",
        finishedAt: r.finishedAt ?? now.toISOString(),
      });
      if (updated) ended.push(r.name);
    }
    return ended;
  }

  /** Delete ended/exited records finished (or, lacking that, created) more than `retentionDays` ago. */
  async prune(retentionDays: number, now: Date = new Date()): Promise<string[]> {
    if (!Number.isFinite(retentionDays) || retentionDays < 0) {
      throw new VolumesError("INVALID_RECORD", `retention of ${retentionDays} days is not valid`, {
        hint: "use a number of days >= 0 (LOG_RETENTION_DAYS)",
      });
    }
    const cutoff = now.getTime() - retentionDays * DAY_MS;
    const { records } = await this.list();
    const pruned: string[] = [];
    for (const r of records) {
      if (r.state !== "ended" && r.state !== "exited") continue;
      if (Date.parse(r.finishedAt ?? r.created) >= cutoff) continue;
      await this.remove(r.name);
      pruned.push(r.name);
    }
    return pruned;
  }

  #locked<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(name) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.#locks.set(name, tail);
    void tail.then(() => {
      if (this.#locks.get(name) === tail) this.#locks.delete(name);
    });
    return run;
  }
}

function parseRecord(text: string, expectedName: string): { record: SessionRecord } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `invalid JSON (${(err as Error).message})` };
  }
  const problem = sessionRecordProblem(value);
  if (problem) return { error: problem };
  const record = canonical(value as SessionRecord);
  if (record.name !== expectedName) {
    return { error: `holds the record of "${record.name}", not "${expectedName}"` };
  }
  return { record };
}
