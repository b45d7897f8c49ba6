import type { ContainerStats } from "../engine/engine.js";

/** Figures for `hal9000 status`, computed the way `docker stats` does. */
export interface WorkerStats {
  uptimeSeconds: number | null;
  cpuPercent: number | null;
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
}

export const NO_STATS: WorkerStats = {
  uptimeSeconds: null,
  cpuPercent: null,
  memoryBytes: null,
  memoryLimitBytes: null,
};

/** The subset of the Engine API's one-shot stats document hal9000 reads. */
export type RawStats = ContainerStats;

/** CPU use between the two samples of a non-streaming stats call, as a percentage of one CPU. */
export function cpuPercent(stats: RawStats): number | null {
  const cpu = stats.cpu_stats;
  const pre = stats.precpu_stats;
  const total = cpu?.cpu_usage?.total_usage;
  const system = cpu?.system_cpu_usage;
  if (total === undefined || system === undefined) return null;
  const cpuDelta = total - (pre?.cpu_usage?.total_usage ?? 0);
  const systemDelta = system - (pre?.system_cpu_usage ?? 0);
  const cpus = cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 1;
  if (systemDelta <= 0 || cpuDelta < 0) return 0;
  return Math.round((cpuDelta / systemDelta) * cpus * 100 * 100) / 100;
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

export function workerStats(
  raw: RawStats | undefined,
  startedAt: string | null,
  running: boolean,
  now?: Date,
): WorkerStats {
  if (!running || raw === undefined)
    return { ...NO_STATS, uptimeSeconds: uptimeSeconds(startedAt, running, now) };
  const mem = memoryUsage(raw);
  return {
    uptimeSeconds: uptimeSeconds(startedAt, running, now),
    cpuPercent: cpuPercent(raw),
    memoryBytes: mem.bytes,
    memoryLimitBytes: mem.limit,
  };
}
