/**
 * What an API spawn returns and leaves behind, against the real engine and worker image: a
 * Claude worker's result is built from what create and start said (no inspect after the
 * start) and agrees with the engine, the session record and the list; a command worker's comes
 * from an inspect; a refused spawn in a home that spawns have used, whose reservation was
 * taken beside its checks, leaves no intent behind, and the checks' refusal is the one reported.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import { type Hal9000, InvalidInputError, LimitReachedError, ParentNotRunningError } from "@hal9000/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AnthropicStub,
  startAnthropicStub,
  type TestFleet,
  testFleet,
  uniqueName,
} from "./helpers/index.js";

const SLEEP = ["sleep", "infinity"];

let fleet: TestFleet;
let hal: Hal9000;
let stub: AnthropicStub;

beforeAll(async () => {
  fleet = await testFleet();
  hal = fleet.hal;
  await hal.startParent();
  // Claude in a worker exits when it cannot reach the API; this machine has no internet.
  stub = await startAnthropicStub(fleet.docker, fleet.parentName);
});

afterAll(async () => {
  await fleet?.cleanup();
});

/** The spawn intents in the home (one per spawn in flight). */
async function intents(): Promise<string[]> {
  const files = await readdir(path.join(hal.layout.home, "locks")).catch(() => [] as string[]);
  return files.filter((f) => f.startsWith("spawn-intent-"));
}

describe("the worker a spawn returns", () => {
  it("a Claude worker (ready: false) is what the engine, its session record and the list say", async () => {
    const w = await hal.spawn({ detach: true, ready: false, removeOnExit: false, env: stub.env });
    const info = await fleet.docker.getContainer(w.id).inspect();
    expect(info.Name).toBe(`/${w.name}`);
    expect(w).toMatchObject({
      image: info.Config.Image,
      state: "running",
      parent: fleet.parentName,
      project: null,
      detached: true,
      removeOnExit: false,
    });
    // Started: after the engine started its process (the engine's clock is this machine's).
    expect(w.status).toBe(`running since ${w.startedAt}`);
    expect(Date.parse(w.startedAt ?? "")).toBeGreaterThanOrEqual(
      Math.floor(Date.parse(info.State.StartedAt)),
    );
    expect(Date.parse(w.startedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(w.created));

    const record = await hal.sessions.read(w.name);
    expect(record).toMatchObject({ id: w.id, state: "running", created: w.created, image: w.image });
    expect(record?.startedAt).toMatch(/^\d{4}-/);

    const listed = (await hal.list()).find((x) => x.name === w.name);
    expect(listed).toMatchObject({
      id: w.id,
      image: w.image,
      state: w.state,
      parent: w.parent,
      project: w.project,
      detached: w.detached,
      removeOnExit: w.removeOnExit,
    });
    expect(await intents()).toEqual([]);
    await hal.stop(w.name);
  });

  it("a command worker's comes from the engine's inspect (its command may be done already)", async () => {
    const w = await hal.spawn({ command: SLEEP });
    const info = await fleet.docker.getContainer(w.id).inspect();
    expect(w).toMatchObject({ state: "running", startedAt: info.State.StartedAt, created: info.Created });
    await hal.stop(w.name);
  });
});

describe("a refused spawn in a home that spawns have used", () => {
  it("releases the reservation it took beside its checks: no intent, no worker", async () => {
    await hal.stop((await hal.spawn({ command: SLEEP })).name); // the home has its locks/ now
    const name = uniqueName("hal9000-worker-refused");
    const absent = await fleet.open({ flags: { parentName: uniqueName("hal9000-test-absent") } });
    await expect(absent.spawn({ name })).rejects.toBeInstanceOf(ParentNotRunningError);
    await expect(hal.spawn({ name, project: "/nonexistent/project" })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(await intents()).toEqual([]);
    expect((await hal.list()).map((w) => w.name)).not.toContain(name);
    expect(await hal.sessions.read(name)).toBeUndefined();
  });

  it("the checks' refusal is the one reported when the reservation is refused too", async () => {
    const kept = await hal.spawn({ command: SLEEP });
    try {
      const full = await fleet.open({ flags: { workerMaxCount: await hal.count() } });
      const both = await full.spawn({ project: "/nonexistent/project" }).catch((e: unknown) => e);
      expect(both).toBeInstanceOf(InvalidInputError);
      expect((both as InvalidInputError).message).toMatch(/does not exist/);
      const limit = await full.spawn({ command: SLEEP }).catch((e: unknown) => e);
      expect(limit).toBeInstanceOf(LimitReachedError);
      expect(await intents()).toEqual([]);
    } finally {
      await hal.stop(kept.name);
    }
  });
});
