import { describe, expect, it } from "vitest";
import { startedWorkerInfo } from "../../src/spawn/started.js";

const spec = {
  name: "hal9000-worker-abc",
  image: "hal9000/worker:latest",
  parentName: "hal9000-parent",
  project: "/home/me/project",
  detach: true,
  removeOnExit: false,
};
const times = { created: "2026-12-01T18:00:00.000Z", startedAt: "2026-12-01T18:00:00.120Z" };

describe("startedWorkerInfo: a started worker from what its spawn knows", () => {
  it("says what an inspect right after the start would: running since its start, its labels' facts", () => {
    expect(startedWorkerInfo(spec, "0123abcd", times)).toEqual({
      name: "hal9000-worker-abc",
      id: "0123abcd",
      image: "hal9000/worker:latest",
      state: "running",
      status: "running since 2026-12-01T18:00:00.120Z",
      parent: "hal9000-parent",
      project: "/home/me/project",
      created: "2026-12-01T18:00:00.000Z",
      startedAt: "2026-12-01T18:00:00.120Z",
      detached: true,
      removeOnExit: false,
    });
  });

  it("names the branch of a branch worker, and no project as null", () => {
    const info = startedWorkerInfo({ ...spec, project: null, branch: "feature/x" }, "id", times);
    expect(info).toMatchObject({ project: null, branch: "feature/x" });
    expect(startedWorkerInfo(spec, "id", times)).not.toHaveProperty("branch");
  });
});
