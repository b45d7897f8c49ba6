/**
 * A worker's branch: `checkouts/<name>/` is its own checkout (a git clone with its own `.git`
 * directory, mounted at /workspace), `branches/<name>.json` says which repository and branch it
 * belongs to. Both live under HAL9000_HOME, so they outlive the container, a parent restart and a
 * reboot; only `hal9000 discard` removes them (`volumes clean` keeps them: they may hold work).
 */
import { lstat, mkdir, readdir, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { VolumesError } from "./errors.js";
import type { HomeLayout } from "./home.js";
import { assertWorkerName } from "./names.js";
import { readTextIfExists } from "./read-text.js";

export const CHECKOUTS_DIR_NAME = "checkouts";
export const BRANCHES_DIR_NAME = "branches";
export const BRANCH_SCHEMA_VERSION = 1;

export interface BranchRecord {
  schemaVersion: 1;
  /** The worker's name. */
  worker: string;
  /** The user's repository: its top-level directory, as this process sees it. */
  repo: string;
  /** The branch, in the user's repository and in the checkout (e.g. "hal9000/<worker>"). */
  branch: string;
  /** What the user asked to start from (e.g. "HEAD", "main"). */
  baseRef: string;
  /** The commit the branch started at. */
  base: string;
  /** Where the branch pointed when hal9000 last wrote it: a branch moved by anyone else is never overwritten. */
  head: string;
  /** The checkout, as this process sees it. */
  checkout: string;
  /** Object directories the checkout borrows from (read-only in the worker, at the same path). */
  objects: string[];
  created: string;
  /** The session (container id) of the worker, once known. */
  session: string | null;
  /** When the branch was last merged into the user's branch, and as which commit. */
  merged: { into: string; commit: string; at: string } | null;
}

function under(layout: HomeLayout, dir: string, name: string, ext: string): string {
  assertWorkerName(name);
  const parent = resolve(layout.home, dir);
  const path = resolve(parent, `${name}${ext}`);
  if (dirname(path) !== parent) {
    throw new VolumesError("UNSAFE_PATH", `"${name}" would leave ${parent}`, {
      hint: "use a plain worker name without '/' or '..'",
    });
  }
  return path;
}

export function checkoutsDirPath(layout: HomeLayout): string {
  return join(layout.home, CHECKOUTS_DIR_NAME);
}

export function branchesDirPath(layout: HomeLayout): string {
  return join(layout.home, BRANCHES_DIR_NAME);
}

/** `<home>/checkouts/<name>`: the worker's checkout. */
export function checkoutPath(layout: HomeLayout, name: string): string {
  return under(layout, CHECKOUTS_DIR_NAME, name, "");
}

/** `<home>/branches/<name>.json`: the worker's branch record. */
export function branchRecordPath(layout: HomeLayout, name: string): string {
  return under(layout, BRANCHES_DIR_NAME, name, ".json");
}

const isString = (v: unknown): v is string => typeof v === "string" && v !== "";

/** Why `value` is not a BranchRecord, or undefined when it is one. */
export function branchRecordProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object";
  const r = value as Record<string, unknown>;
  if (r.schemaVersion !== BRANCH_SCHEMA_VERSION)
    return `unsupported schemaVersion ${String(r.schemaVersion)}`;
  for (const key of ["worker", "repo", "branch", "baseRef", "base", "head", "checkout", "created"] as const) {
    if (!isString(r[key])) return `${key} must be a non-empty string`;
  }
  if (!Array.isArray(r.objects) || !r.objects.every(isString)) return "objects must be a list of paths";
  if (r.session !== null && !isString(r.session)) return "session must be a string or null";
  if (r.merged !== null) {
    const m = r.merged as Record<string, unknown> | undefined;
    if (typeof m !== "object" || !isString(m.into) || !isString(m.commit) || !isString(m.at))
      return "merged must be null or { into, commit, at }";
  }
  return undefined;
}

/** Branch records, one JSON file per worker, written atomically. */
export class BranchStore {
  readonly layout: HomeLayout;

  constructor(layout: HomeLayout) {
    this.layout = layout;
  }

  async write(record: BranchRecord): Promise<void> {
    const problem = branchRecordProblem(record);
    if (problem) {
      throw new VolumesError("INVALID_RECORD", `branch record of "${record.worker}" is invalid: ${problem}`, {
        hint: "pass a complete BranchRecord with schemaVersion 1",
      });
    }
    const file = branchRecordPath(this.layout, record.worker);
    await mkdir(dirname(file), { recursive: true });
    await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o644 });
  }

  /** The record, undefined when the worker has no branch; a corrupt file throws CORRUPT_RECORD. */
  async read(name: string): Promise<BranchRecord | undefined> {
    const file = branchRecordPath(this.layout, name);
    const text = await readTextIfExists(file);
    if (text === undefined) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      value = (err as Error).message;
    }
    const problem = branchRecordProblem(value);
    if (problem || (value as BranchRecord).worker !== name) {
      throw new VolumesError(
        "CORRUPT_RECORD",
        `branch record ${file} is corrupt: ${problem ?? "wrong worker"}`,
        {
          hint: `look at it, then remove it (rm ${file}) and the checkout ${checkoutPath(this.layout, name)}`,
        },
      );
    }
    return value as BranchRecord;
  }

  async update(name: string, patch: Partial<BranchRecord>): Promise<BranchRecord | undefined> {
    const current = await this.read(name);
    if (!current) return undefined;
    const next = { ...current, ...patch, worker: name, schemaVersion: 1 } as BranchRecord;
    await this.write(next);
    return next;
  }

  /** Every readable record (oldest first); corrupt ones are skipped. */
  async list(): Promise<BranchRecord[]> {
    let entries: string[];
    try {
      entries = await readdir(branchesDirPath(this.layout));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
    const out: BranchRecord[] = [];
    for (const entry of entries.sort()) {
      if (!entry.endsWith(".json") || entry.startsWith(".")) continue;
      const r = await this.read(entry.slice(0, -".json".length)).catch(() => undefined);
      if (r) out.push(r);
    }
    return out.sort((a, b) => a.created.localeCompare(b.created) || a.worker.localeCompare(b.worker));
  }

  async remove(name: string): Promise<void> {
    await rm(branchRecordPath(this.layout, name), { force: true });
  }

  /** Whether anything is at the worker's checkout path (a checkout left from before). */
  async hasCheckout(name: string): Promise<boolean> {
    return (await lstat(checkoutPath(this.layout, name)).catch(() => undefined)) !== undefined;
  }

  /** Removes the checkout directory (symlinks inside are removed, never followed). */
  async removeCheckout(name: string): Promise<void> {
    await rm(checkoutPath(this.layout, name), { recursive: true, force: true });
  }
}
