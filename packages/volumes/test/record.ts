import type { SessionRecord } from "../src/index.js";

export function record(name: string, over: Partial<SessionRecord> = {}): SessionRecord {
  return {
    schemaVersion: 1,
    name,
    id: `id-${name}`,
    image: "hal9000/worker:latest",
    parent: "hal9000-parent",
    project: "/src/project",
    created: "2025-01-01T00:00:00.000Z",
    detached: true,
    removeOnExit: true,
    state: "running",
    exitCode: null,
    startedAt: "2025-01-01T00:00:01.000Z",
    finishedAt: null,
    ...over,
  };
}
