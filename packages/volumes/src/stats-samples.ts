/**
 * The figures the coordinator last read for each running worker of its parent, one file per
 * parent under `<home>/run/`. Docker 20.10 serves every stats call from one collector that reads
 * the containers one after another, a second apart: `status` reads these instead of waiting
 * for the engine's two samples of each worker.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { HomeError } from "./errors.js";
import type { HomeLayout } from "./home.js";
import { RUN_DIR_NAME } from "./mcp-relay-files.js";
import { readTextIfExists } from "./read-text.js";
import { CONTAINER_NAME_RE } from "./references.js";

/** One reading of a container's figures, as the engine reports them. */
export interface StatsSample {
  /** When the engine read them (its clock, ISO 8601). */
  read: string;
  /** The container's CPU time (ns). */
  cpuTotal: number;
  /** The host's CPU time, all CPUs (ns). */
  cpuSystem: number;
  onlineCpus: number;
  /** Memory in use without the page cache, and the limit (bytes); null when the engine has none. */
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
}

/** Container id → its recorded samples, oldest first. */
export type StatsSamples = Record<string, StatsSample[]>;

interface StatsSamplesFile {
  schemaVersion: 1;
  parent: string;
  workers: StatsSamples;
}

export function statsSamplesPath(layout: HomeLayout, parent: string): string {
  // A container name: never a path of its own.
  if (!CONTAINER_NAME_RE.test(parent)) throw new HomeError(`"${parent}" is not a parent container name`);
  return join(layout.home, RUN_DIR_NAME, `stats-${parent}.json`);
}

/** Replaces the parent's recorded samples (atomically: a reader sees the old file or the new one). */
export async function writeStatsSamples(
  layout: HomeLayout,
  parent: string,
  workers: StatsSamples,
): Promise<void> {
  const file = statsSamplesPath(layout, parent);
  await mkdir(join(layout.home, RUN_DIR_NAME), { recursive: true });
  const doc: StatsSamplesFile = { schemaVersion: 1, parent, workers };
  await writeFileAtomic(file, `${JSON.stringify(doc)}\n`);
}

/**
 * The parent's recorded samples; empty when there are none or the file is not one this
 * version wrote (a reader then measures the way it would without them).
 */
export async function readStatsSamples(layout: HomeLayout, parent: string): Promise<StatsSamples> {
  const text = await readTextIfExists(statsSamplesPath(layout, parent)).catch(() => undefined);
  if (text === undefined) return {};
  try {
    const doc = JSON.parse(text) as Partial<StatsSamplesFile>;
    if (doc?.schemaVersion !== 1 || doc.parent !== parent || typeof doc.workers !== "object") return {};
    const out: StatsSamples = {};
    for (const [id, samples] of Object.entries(doc.workers ?? {})) {
      if (Array.isArray(samples)) out[id] = samples.filter(isStatsSample);
    }
    return out;
  } catch {
    return {};
  }
}

const isCount = (n: unknown) => typeof n === "number" && Number.isFinite(n) && n >= 0;
const isCountOrNull = (n: unknown) => n === null || isCount(n);

function isStatsSample(s: unknown): s is StatsSample {
  const x = s as StatsSample;
  return (
    typeof x === "object" &&
    x !== null &&
    typeof x.read === "string" &&
    isCount(x.cpuTotal) &&
    isCount(x.cpuSystem) &&
    isCount(x.onlineCpus) &&
    isCountOrNull(x.memoryBytes) &&
    isCountOrNull(x.memoryLimitBytes)
  );
}
