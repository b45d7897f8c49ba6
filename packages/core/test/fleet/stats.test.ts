import { describe, expect, it } from "vitest";
import {
  cpuPercent,
  cpuUseBetween,
  liveStats,
  memoryUsage,
  recordedStats,
  statsSampleOf,
  uptimeSeconds,
  workerStats,
} from "../../src/fleet/stats.js";

describe("cpuPercent", () => {
  it("computes like docker stats: cpu delta / system delta × CPUs", () => {
    const stats = {
      cpu_stats: { cpu_usage: { total_usage: 300_000_000 }, system_cpu_usage: 2_000_000_000, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 100_000_000 }, system_cpu_usage: 1_000_000_000 },
    };
    expect(cpuPercent(stats)).toBe(40);
  });

  it("falls back to the per-CPU list for the CPU count, and is 0 without a system delta", () => {
    expect(
      cpuPercent({
        cpu_stats: { cpu_usage: { total_usage: 200, percpu_usage: [1, 1, 1, 1] }, system_cpu_usage: 1000 },
        precpu_stats: { cpu_usage: { total_usage: 100 }, system_cpu_usage: 0 },
      }),
    ).toBe(40);
    expect(
      cpuPercent({
        cpu_stats: { cpu_usage: { total_usage: 5 }, system_cpu_usage: 10 },
        precpu_stats: { system_cpu_usage: 10 },
      }),
    ).toBe(0);
    expect(cpuPercent({})).toBeNull();
  });
});

describe("memoryUsage", () => {
  it("subtracts the inactive page cache (cgroup v1 and v2)", () => {
    expect(
      memoryUsage({ memory_stats: { usage: 1000, limit: 4000, stats: { total_inactive_file: 300 } } }),
    ).toEqual({
      bytes: 700,
      limit: 4000,
    });
    expect(
      memoryUsage({ memory_stats: { usage: 1000, limit: 4000, stats: { inactive_file: 100 } } }).bytes,
    ).toBe(900);
    expect(memoryUsage({ memory_stats: {} })).toEqual({ bytes: null, limit: null });
  });
});

describe("uptimeSeconds / workerStats", () => {
  const now = new Date("2025-01-01T00:01:40Z");
  it("counts seconds since start for a running worker only", () => {
    expect(uptimeSeconds("2025-01-01T00:00:00Z", true, now)).toBe(100);
    expect(uptimeSeconds("2025-01-01T00:00:00Z", false, now)).toBeNull();
    expect(uptimeSeconds(null, true, now)).toBeNull();
  });

  it("is all null for a stopped worker", () => {
    expect(workerStats(undefined, "2025-01-01T00:00:00Z", false, now)).toEqual({
      uptimeSeconds: null,
      cpuPercent: null,
      cpuIntervalSeconds: null,
      cpuSince: null,
      memoryBytes: null,
      memoryLimitBytes: null,
      sampledAt: null,
    });
  });
});

const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 17, 0, 0) + s * 1000).toISOString();
/** A sample `s` seconds in, with the container's and the host's CPU time so far (ns). */
const sample = (s: number, cpuTotal: number, cpuSystem: number, onlineCpus = 2, memoryBytes = 1000) => ({
  read: at(s),
  cpuTotal,
  cpuSystem,
  onlineCpus,
  memoryBytes,
  memoryLimitBytes: 4000,
});

describe("a worker's figures from recorded samples", () => {
  it("records a one-shot document's counters and memory, and nothing without a read time", () => {
    const doc = {
      read: "2026-12-01T17:45:45.099116241Z",
      preread: "0001-01-01T00:00:00Z",
      cpu_stats: {
        cpu_usage: { total_usage: 37_952_683 },
        system_cpu_usage: 63_799_140_000_000,
        online_cpus: 2,
      },
      memory_stats: { usage: 1000, limit: 4000, stats: { total_inactive_file: 300 } },
    };
    expect(statsSampleOf(doc)).toEqual({
      read: doc.read,
      cpuTotal: 37_952_683,
      cpuSystem: 63_799_140_000_000,
      onlineCpus: 2,
      memoryBytes: 700,
      memoryLimitBytes: 4000,
    });
    expect(statsSampleOf({ ...doc, read: "0001-01-01T00:00:00Z" })).toBeUndefined();
    expect(statsSampleOf({ read: doc.read })).toBeUndefined();
  });

  it("is docker's formula over the interval between two: half a CPU of two for 4 s is 50 %", () => {
    // 4 s on 2 CPUs: the host's CPU time grows by 8 s, the container's by 2 s.
    const use = cpuUseBetween(sample(0, 1e9, 100e9), sample(4, 3e9, 108e9));
    expect(use).toEqual({ percent: 50, intervalSeconds: 4, since: at(0) });
    // The same counters as a two-sample document's give the same figure.
    expect(
      cpuPercent({
        cpu_stats: { cpu_usage: { total_usage: 3e9 }, system_cpu_usage: 108e9, online_cpus: 2 },
        precpu_stats: { cpu_usage: { total_usage: 1e9 }, system_cpu_usage: 100e9 },
      }),
    ).toBe(use.percent);
  });

  it("measures CPU between the newest two and takes the newest's memory", () => {
    const recorded = [sample(5, 2e9, 150e9, 2, 900), sample(0, 1e9, 140e9, 2, 800)];
    expect(recordedStats(recorded, Date.parse(at(8)))).toEqual({
      cpuPercent: 20,
      cpuIntervalSeconds: 5,
      cpuSince: at(0),
      memoryBytes: 900,
      memoryLimitBytes: 4000,
      sampledAt: at(5),
    });
  });

  it("is undefined when the newest sample is older than 15 s, or alone", () => {
    const recorded = [sample(0, 1e9, 140e9), sample(5, 2e9, 150e9)];
    expect(recordedStats(recorded, Date.parse(at(20)))).toBeDefined();
    expect(recordedStats(recorded, Date.parse(at(21)))).toBeUndefined();
    expect(recordedStats([sample(5, 2e9, 150e9)], Date.parse(at(6)))).toBeUndefined();
    expect(recordedStats(undefined, Date.parse(at(6)))).toBeUndefined();
  });

  it("measures from no sample less than a second earlier, ahead of the newest (a restart), or with other CPUs", () => {
    const newest = sample(10, 3e9, 200e9);
    const nowMs = Date.parse(at(11));
    expect(recordedStats([sample(9.5, 2e9, 190e9), newest], nowMs)).toBeUndefined();
    expect(recordedStats([sample(5, 4e9, 190e9), newest], nowMs)).toBeUndefined();
    expect(recordedStats([sample(5, 2e9, 190e9, 4), newest], nowMs)).toBeUndefined();
    // An older one that fits is taken past the one that does not.
    expect(recordedStats([sample(0, 1e9, 180e9), sample(9.5, 2e9, 190e9), newest], nowMs)?.cpuSince).toBe(
      at(0),
    );
  });

  it("a live two-sample call says its own interval; workerStats adds the uptime", () => {
    const doc = {
      read: at(5),
      preread: at(4),
      cpu_stats: { cpu_usage: { total_usage: 3e9 }, system_cpu_usage: 110e9, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 2.9e9 }, system_cpu_usage: 108e9 },
      memory_stats: { usage: 1000, limit: 4000 },
    };
    expect(liveStats(doc)).toEqual({
      cpuPercent: 10,
      cpuIntervalSeconds: 1,
      cpuSince: at(4),
      memoryBytes: 1000,
      memoryLimitBytes: 4000,
      sampledAt: at(5),
    });
    expect(workerStats(liveStats(doc), at(0), true, new Date(at(5)))).toMatchObject({
      uptimeSeconds: 5,
      cpuPercent: 10,
    });
    // A document without an earlier sample names no interval.
    const alone = { ...doc, preread: "0001-01-01T00:00:00Z", precpu_stats: {} };
    expect(liveStats(alone)).toMatchObject({ cpuIntervalSeconds: null, cpuSince: null });
  });
});
