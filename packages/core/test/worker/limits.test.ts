import { describe, expect, it } from "vitest";
import { limitsFromHostConfig } from "../../src/worker/limits.js";

describe("limitsFromHostConfig", () => {
  it("reads memory, CPUs and the process limit", () => {
    expect(limitsFromHostConfig({ Memory: 268435456, NanoCpus: 5e8, PidsLimit: 64 })).toEqual({
      memoryBytes: 268435456,
      cpus: 0.5,
      pidsLimit: 64,
    });
  });

  it("reports none as null (Docker says 0 or -1)", () => {
    expect(limitsFromHostConfig({ Memory: 0, NanoCpus: 0, PidsLimit: -1 })).toEqual({
      memoryBytes: null,
      cpus: null,
      pidsLimit: null,
    });
    expect(limitsFromHostConfig(undefined)).toEqual({ memoryBytes: null, cpus: null, pidsLimit: null });
  });
});
