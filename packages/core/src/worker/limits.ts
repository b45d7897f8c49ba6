import type { HostConfig } from "../engine/engine.js";

/** A worker's resource limits as its container has them (null: none set). */
export interface WorkerLimitsInfo {
  memoryBytes: number | null;
  /** CPUs (NanoCpus / 1e9). */
  cpus: number | null;
  pidsLimit: number | null;
}

const positive = (n: number | null | undefined): number | null => (typeof n === "number" && n > 0 ? n : null);

/** The limits in a container's HostConfig (0 or -1 mean none, as Docker reports them). */
export function limitsFromHostConfig(host: HostConfig | undefined): WorkerLimitsInfo {
  const nano = positive(host?.NanoCpus);
  return {
    memoryBytes: positive(host?.Memory),
    cpus: nano === null ? null : nano / 1e9,
    pidsLimit: positive(host?.PidsLimit),
  };
}
