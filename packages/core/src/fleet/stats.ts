import type { StatsSample } from "@hal9000/volumes";
import type { ContainerStats } from "../engine/engine.js";

/** Figures for `hal9000 status`, computed the way `docker stats` does. */
export interface WorkerStats {
  uptimeSeconds: number | null;
  cpuPercent: number | null;
  /** Over how long cpuPercent was measured (the engine's clock), and since when. */
  cpuIntervalSeconds: number | null;
  cpuSince: string | null;
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
  /** When the engine read these figures (the end of the CPU interval, the memory reading). */
  sampledAt: string | null;
}

/** A running worker's figures, without its uptime. */
export type SampledStats = Omit<WorkerStats, "uptimeSeconds">;

export const NO_STATS: WorkerStats = {
  uptimeSeconds: null,
  cpuPercent: null,
  cpuIntervalSeconds: null,
  cpuSince: null,
  memoryBytes: null,
  memoryLimitBytes: null,
  sampledAt: null,
};

/** The subset of the Engine API's stats document hal9000 reads. */
export type RawStats = ContainerStats;

/**
 * How old the coordinator's newest sample of a worker may be for `status` to show it (by this
 * machine's clock): it samples every 5 s (STATS_SAMPLE_INTERVAL_MS in coordinator/stats-sampler.ts), so a coordinator that has
 * missed two rounds is taken as gone and the worker is measured live.
 */
export const RECORDED_MAX_AGE_MS = 15_000;
/** The shortest interval CPU use is measured over (docker's own two samples are a second apart). */
const MIN_INTERVAL_MS = 1_000;

/** docker stats' formula: the container's CPU time over the host's, times the CPUs, in percent of one CPU. */
function percentOf(cpuDelta: number, systemDelta: number, cpus: number): number {
  if (systemDelta <= 0 || cpuDelta < 0) return 0;
  return Math.round((cpuDelta / systemDelta) * cpus * 100 * 100) / 100;
}

/** The engine's "no time" (a stats document without an earlier sample says 0001-01-01). */
function engineTime(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) || t <= 0 ? undefined : t;
}

/** The CPUs the engine counted (older engines only list per-CPU usage). */
function onlineCpus(cpu: RawStats["cpu_stats"]): number {
  return cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 1;
}

const seconds = (ms: number) => Math.round(ms / 10) / 100;

/** CPU use between the two samples of a non-streaming stats call, as a percentage of one CPU. */
export function cpuPercent(stats: RawStats): number | null {
  const cpu = stats.cpu_stats;
  const pre = stats.precpu_stats;
  const total = cpu?.cpu_usage?.total_usage;
  const system = cpu?.system_cpu_usage;
  if (total === undefined || system === undefined) return null;
  const cpus = onlineCpus(cpu);
  return percentOf(total - (pre?.cpu_usage?.total_usage ?? 0), system - (pre?.system_cpu_usage ?? 0), cpus);
}

/** A stats document's (latest) figures as one sample to record; undefined without a read time or CPU counters. */
export function statsSampleOf(stats: RawStats): StatsSample | undefined {
  const cpu = stats.cpu_stats;
  const total = cpu?.cpu_usage?.total_usage;
  const system = cpu?.system_cpu_usage;
  if (total === undefined || system === undefined || engineTime(stats.read) === undefined) return undefined;
  const mem = memoryUsage(stats);
  return {
    read: stats.read as string,
    cpuTotal: total,
    cpuSystem: system,
    onlineCpus: onlineCpus(cpu),
    memoryBytes: mem.bytes,
    memoryLimitBytes: mem.limit,
  };
}

/** CPU use from `earlier` to `later`, the same container's samples, as docker stats computes it. */
export function cpuUseBetween(
  earlier: StatsSample,
  later: StatsSample,
): { percent: number; intervalSeconds: number; since: string } {
  const ms = (engineTime(later.read) ?? 0) - (engineTime(earlier.read) ?? 0);
  return {
    percent: percentOf(
      later.cpuTotal - earlier.cpuTotal,
      later.cpuSystem - earlier.cpuSystem,
      later.onlineCpus,
    ),
    intervalSeconds: seconds(ms),
    since: earlier.read,
  };
}

/**
 * A worker's figures from the coordinator's samples of it: memory of the newest, CPU use from
 * the newest earlier one at least a second before it (whose counters are not ahead: a restart
 * resets them; with the same CPUs online). undefined when the newest is older than `maxAgeMs`
 * at `nowMs` (this machine's clock) or no pair fits: the caller then measures live.
 */
export function recordedStats(
  recorded: readonly StatsSample[] | undefined,
  nowMs: number,
  maxAgeMs: number = RECORDED_MAX_AGE_MS,
): SampledStats | undefined {
  const timed = (recorded ?? [])
    .map((s) => ({ s, t: engineTime(s.read) }))
    .filter((x): x is { s: StatsSample; t: number } => x.t !== undefined)
    .sort((a, b) => b.t - a.t);
  const newest = timed[0];
  if (!newest || nowMs - newest.t > maxAgeMs) return undefined;
  const later = newest.s;
  const earlier = timed.find(
    ({ s, t }) =>
      newest.t - t >= MIN_INTERVAL_MS &&
      s.cpuTotal <= later.cpuTotal &&
      s.cpuSystem < later.cpuSystem &&
      s.onlineCpus === later.onlineCpus,
  )?.s;
  if (!earlier) return undefined;
  const use = cpuUseBetween(earlier, later);
  return {
    cpuPercent: use.percent,
    cpuIntervalSeconds: use.intervalSeconds,
    cpuSince: use.since,
    memoryBytes: later.memoryBytes,
    memoryLimitBytes: later.memoryLimitBytes,
    sampledAt: later.read,
  };
}

/** A worker's figures from a two-sample stats call of its own (the engine's two a second apart). */
export function liveStats(raw: RawStats): SampledStats {
  const percent = cpuPercent(raw);
  const read = engineTime(raw.read);
  const preread = engineTime(raw.preread);
  const measured = percent !== null && read !== undefined && preread !== undefined;
  const mem = memoryUsage(raw);
  return {
    cpuPercent: percent,
    cpuIntervalSeconds: measured ? seconds(read - preread) : null,
    cpuSince: measured ? (raw.preread as string) : null,
    memoryBytes: mem.bytes,
    memoryLimitBytes: mem.limit,
    sampledAt: read === undefined ? null : (raw.read as string),
  };
}

/** Memory in use without the page cache (cgroup v1: total_inactive_file, v2: inactive_file). */
export function memoryUsage(stats: RawStats): { bytes: number | null; limit: number | null } {
  const mem = stats.memory_stats;
  if (mem?.usage === undefined) return { bytes: null, limit: mem?.limit ?? null };
  const inner = mem.stats ?? {};
  const cache = inner.total_inactive_file ?? inner.inactive_file ?? inner.cache ?? 0;
  return { bytes: cache < mem.usage ? mem.usage - cache : mem.usage, limit: mem.limit ?? null };
}

export function uptimeSeconds(
  startedAt: string | null,
  running: boolean,
  now: Date = new Date(),
): number | null {
  if (!running || !startedAt) return null;
  const t = Date.parse(startedAt);
  if (Number.isNaN(t) || t <= 0) return null;
  return Math.max(0, Math.floor((now.getTime() - t) / 1000));
}

/** A worker's figures for `status`: `sampled` (recordedStats or liveStats) while it runs, its uptime. */
export function workerStats(
  sampled: SampledStats | undefined,
  startedAt: string | null,
  running: boolean,
  now?: Date,
): WorkerStats {
  const uptime = uptimeSeconds(startedAt, running, now);
  if (!running || sampled === undefined) return { ...NO_STATS, uptimeSeconds: uptime };
  return { uptimeSeconds: uptime, ...sampled };
}
