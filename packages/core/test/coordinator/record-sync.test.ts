import type { SessionRecord } from "@hal9000/volumes";
import { describe, expect, it } from "vitest";
import { readEvent, syncFromInspect, syncRecord } from "../../src/coordinator/record-sync.js";
import type { ContainerDetails, EngineEvent } from "../../src/engine/engine.js";

const PARENT = "hal9000-parent";
const ID = "c".repeat(64);
const workerAttrs = {
  name: "w1",
  image: "hal9000/worker:latest",
  "hal9000.role": "worker",
  "hal9000.parent": PARENT,
  "hal9000.project": "/home/u/p",
  "hal9000.detached": "true",
  "hal9000.remove-on-exit": "false",
};
const event = (action: string, attrs: Record<string, string> = workerAttrs, id = ID): EngineEvent => ({
  Type: "container",
  Action: action,
  time: 1_700_000_000,
  timeNano: 1_700_000_000_123_456_800,
  Actor: { ID: id, Attributes: attrs },
});
const workerEvent = (action: string, attrs: Record<string, string> = workerAttrs, id = ID) => {
  const ev = readEvent(event(action, attrs, id), PARENT);
  if (ev?.kind !== "worker") throw new Error(`not a worker event: ${JSON.stringify(ev)}`);
  return ev;
};
const record = (over: Partial<SessionRecord> = {}): SessionRecord => ({
  schemaVersion: 1,
  name: "w1",
  id: ID,
  image: "hal9000/worker:latest",
  parent: PARENT,
  project: "/home/u/p",
  created: "2023-11-14T22:13:20.000Z",
  detached: true,
  removeOnExit: false,
  state: "created",
  exitCode: null,
  startedAt: null,
  finishedAt: null,
  ...over,
});

describe("readEvent", () => {
  it("reads this parent's worker events, with the time to the millisecond and a replay key", () => {
    const ev = workerEvent("die", { ...workerAttrs, exitCode: "3" });
    expect(ev).toMatchObject({
      kind: "worker",
      action: "die",
      id: ID,
      name: "w1",
      at: "2023-11-14T22:13:20.123Z",
    });
    expect(ev.key).toBe(`${ID}:die:1700000000123456800`);
  });

  it("sees this parent's own start, and nothing of other parents, foreign containers or other types", () => {
    const parentAttrs = { name: PARENT, "hal9000.role": "parent" };
    expect(readEvent(event("start", parentAttrs), PARENT)).toMatchObject({
      kind: "parent-start",
      name: PARENT,
    });
    expect(readEvent(event("die", parentAttrs), PARENT)).toBeUndefined();
    expect(readEvent(event("start", { ...workerAttrs, "hal9000.parent": "other" }), PARENT)).toBeUndefined();
    expect(readEvent(event("start", { name: "w1" }), PARENT)).toBeUndefined();
    expect(readEvent({ ...event("start"), Type: "network" }, PARENT)).toBeUndefined();
    expect(readEvent(event("start", { ...workerAttrs, name: "" }), PARENT)).toBeUndefined();
  });
});

describe("syncRecord", () => {
  it("start of a running worker without a record: records it from its labels, marks it running, follows it", () => {
    const sync = syncRecord(workerEvent("start"), undefined, { running: true }, PARENT);
    expect(sync.create).toEqual(record({ created: "2023-11-14T22:13:20.123Z" }));
    expect(sync.patch).toEqual({
      state: "running",
      startedAt: "2023-11-14T22:13:20.123Z",
      exitCode: null,
      finishedAt: null,
    });
    expect(sync.follow).toBe(true);
    expect(sync.message).toBe(`worker w1 started (${ID.slice(0, 12)}, image hal9000/worker:latest)`);
  });

  it("start: keeps its own record, and a record of an older container of the name is replaced", () => {
    expect(syncRecord(workerEvent("start"), record(), { running: true }, PARENT).create).toBeUndefined();
    const older = record({ id: "d".repeat(64), state: "ended" });
    expect(syncRecord(workerEvent("start"), older, { running: true }, PARENT).create?.id).toBe(ID);
  });

  it("start handled late: a container already gone changes nothing, one already stopped is only recorded", () => {
    expect(syncRecord(workerEvent("start"), undefined, undefined, PARENT)).toEqual({});
    const stopped = syncRecord(workerEvent("start"), undefined, { running: false }, PARENT);
    expect(stopped.create?.name).toBe("w1");
    expect(stopped.patch).toBeUndefined();
    expect(stopped.follow).toBeUndefined();
  });

  it("die: the exit code (null when unreadable), and nothing for an older container of the name", () => {
    const died = syncRecord(
      workerEvent("die", { ...workerAttrs, exitCode: "137" }),
      record(),
      undefined,
      PARENT,
    );
    expect(died.patch).toEqual({ state: "exited", exitCode: 137, finishedAt: "2023-11-14T22:13:20.123Z" });
    expect(died.message).toBe("worker w1 exited with code 137");
    expect(syncRecord(workerEvent("die"), record(), undefined, PARENT).patch?.exitCode).toBeNull();
    expect(syncRecord(workerEvent("die"), record({ id: "d".repeat(64) }), undefined, PARENT)).toEqual({});
    expect(syncRecord(workerEvent("die"), undefined, undefined, PARENT)).toEqual({
      message: "worker w1 exited with code ?",
    });
  });

  it("die after the record ended (a replay, or a task that recorded its end first): the state stays ended", () => {
    const ended = record({ state: "ended", exitCode: 0, finishedAt: "2023-11-14T22:00:00.000Z" });
    const sync = syncRecord(workerEvent("die", { ...workerAttrs, exitCode: "0" }), ended, undefined, PARENT);
    expect(sync.patch).toBeUndefined();
    expect(sync.message).toBe("worker w1 exited with code 0");
  });

  it("destroy: ends the record, keeping the time it finished", () => {
    const finished = record({ state: "exited", finishedAt: "2023-11-14T22:00:00.000Z" });
    expect(syncRecord(workerEvent("destroy"), finished, undefined, PARENT).patch).toEqual({
      state: "ended",
      finishedAt: "2023-11-14T22:00:00.000Z",
    });
    expect(syncRecord(workerEvent("destroy"), record(), undefined, PARENT).patch?.finishedAt).toBe(
      "2023-11-14T22:13:20.123Z",
    );
    expect(syncRecord(workerEvent("destroy"), record({ id: "d".repeat(64) }), undefined, PARENT)).toEqual({});
  });
});

describe("syncFromInspect", () => {
  const inspected = (state: Partial<ContainerDetails["State"]>): ContainerDetails =>
    ({
      Id: ID,
      name: "w1",
      Created: "2023-11-14T22:13:20.000Z",
      Config: { Image: "hal9000/worker:latest", Labels: workerAttrs },
      State: { Status: "running", StartedAt: "2023-11-14T22:13:21Z", ExitCode: 0, FinishedAt: "", ...state },
    }) as unknown as ContainerDetails;

  it("a running worker: recorded if need be, running since its start, followed", () => {
    const sync = syncFromInspect(inspected({}), undefined, PARENT);
    expect(sync.create).toEqual(record());
    expect(sync.patch).toEqual({
      state: "running",
      startedAt: "2023-11-14T22:13:21Z",
      exitCode: null,
      finishedAt: null,
    });
    expect(sync.follow).toBe(true);
  });

  it("an exited (or dead) worker: its exit code and end; a created one: nothing to change", () => {
    const exited = syncFromInspect(
      inspected({ Status: "exited", ExitCode: 2, FinishedAt: "2023-11-14T23:00:00Z" }),
      record(),
      PARENT,
    );
    expect(exited).toEqual({ patch: { state: "exited", exitCode: 2, finishedAt: "2023-11-14T23:00:00Z" } });
    expect(syncFromInspect(inspected({ Status: "dead", ExitCode: 1 }), record(), PARENT).patch?.state).toBe(
      "exited",
    );
    expect(syncFromInspect(inspected({ Status: "created" }), record(), PARENT)).toEqual({});
  });
});
