import { describe, expect, it } from "vitest";
import { cpuPercent, memoryUsage, uptimeSeconds, workerStats } from "../../src/fleet/stats.js";

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
      memoryBytes: null,
      memoryLimitBytes: null,
    });
  });
});
