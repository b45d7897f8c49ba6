import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SessionStore, sessionRecordProblem, type TaskRecord } from "../src/index.js";
import { record } from "./record.js";
import { tempDir } from "./temp-dir.js";

const TASK: TaskRecord = {
  outcome: "timed-out",
  sessionId: "3b43a6b5-9214-4533-adb3-8f9384f52fd2",
  exitCode: 143,
  finishedAt: "2025-01-01T00:01:00.000Z",
  message: "the task timed out after 4000 ms",
};

describe("a task's end in its worker's session record", () => {
  it("is kept through writes and updates of other fields", async () => {
    const s = new SessionStore(join(await tempDir(), "sessions"));
    await s.write(record("w1"));
    await s.update("w1", { task: TASK });
    expect((await s.update("w1", { state: "ended" }))?.task).toEqual(TASK);
    expect(await s.read("w1")).toEqual(record("w1", { state: "ended", task: TASK }));
  });

  it("records without one stay as they were", () => {
    expect(sessionRecordProblem(record("w1"))).toBeUndefined();
    expect(Object.keys(record("w1"))).not.toContain("task");
  });

  it.each([
    [{ ...TASK, outcome: "maybe" }, /task.outcome must be one of succeeded, failed, aborted, timed-out/],
    [{ ...TASK, exitCode: "1" }, /task.exitCode/],
    [{ ...TASK, finishedAt: "soon" }, /task.finishedAt/],
    ["done", /task must be an object/],
  ])("a malformed task %j is a corrupt record", (task, problem) => {
    expect(sessionRecordProblem({ ...record("w1"), task })).toMatch(problem);
  });
});
