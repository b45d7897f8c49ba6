import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { homeLayout } from "@hal9000/volumes";
import { afterEach, describe, expect, it } from "vitest";
import { clearSpawnIntent, planIntentUndo, readIntents, writeSpawnIntent } from "../../src/spawn/orphans.js";

const ID = "d".repeat(64);
const nothing = { removeContainer: false, removeRecord: false, removeHome: false, removeSecrets: false };

describe("planIntentUndo (a spawner died half-way)", () => {
  it("removes a never-started container, its record and the home that spawn made", () => {
    expect(
      planIntentUndo({ homeCreated: true }, { id: ID, state: "created" }, { id: ID, state: "created" }),
    ).toEqual({
      removeContainer: true,
      removeRecord: true,
      removeHome: true,
      removeSecrets: true,
    });
  });

  it("keeps a home that existed before the spawn (a named worker's Claude history)", () => {
    expect(planIntentUndo({ homeCreated: false }, { id: ID, state: "created" }, undefined)).toEqual({
      removeContainer: true,
      removeRecord: false,
      removeHome: false,
      removeSecrets: true,
    });
  });

  it("undoes a spawn that died before its container existed: the home (if it made it) and a created record", () => {
    expect(planIntentUndo({ homeCreated: true }, undefined, undefined)).toEqual({
      ...nothing,
      removeHome: true,
      removeSecrets: true,
    });
    expect(planIntentUndo({ homeCreated: false }, undefined, { id: ID, state: "created" })).toEqual({
      ...nothing,
      removeRecord: true,
      removeSecrets: true,
    });
  });

  it("keeps a worker that started, even if it is gone now (an --rm worker that ran)", () => {
    expect(
      planIntentUndo({ homeCreated: true }, { id: ID, state: "running" }, { id: ID, state: "created" }),
    ).toEqual(nothing);
    expect(planIntentUndo({ homeCreated: true }, { id: ID, state: "exited" }, undefined)).toEqual(nothing);
    expect(planIntentUndo({ homeCreated: true }, undefined, { id: ID, state: "ended" })).toEqual(nothing);
  });

  it("removes even a worker that started when a stop-all was called after its spawn (stop-all wins)", () => {
    expect(
      planIntentUndo(
        { homeCreated: true },
        { id: ID, state: "running" },
        { id: ID, state: "running" },
        { cancelled: true },
      ),
    ).toEqual({ removeContainer: true, removeRecord: true, removeHome: true, removeSecrets: true });
    expect(
      planIntentUndo({ homeCreated: false }, { id: ID, state: "running" }, undefined, { cancelled: true }),
    ).toEqual({ removeContainer: true, removeRecord: false, removeHome: false, removeSecrets: true });
  });

  it("keeps the record of another container of the same name", () => {
    expect(
      planIntentUndo(
        { homeCreated: false },
        { id: ID, state: "created" },
        { id: "e".repeat(64), state: "exited" },
      ),
    ).toMatchObject({ removeContainer: true, removeRecord: false });
  });
});

describe("the spawn intent file", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("round-trips, and is gone once cleared", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "hal9000-intent-"));
    const layout = homeLayout(dir);
    expect(await readIntents(layout)).toEqual([]);
    await writeSpawnIntent(layout, { name: "w1", parent: "p", homeCreated: true, calledAtMs: 1_000 });
    expect((await readIntents(layout)).map((f) => f.intent)).toMatchObject([
      { name: "w1", parent: "p", homeCreated: true, calledAtMs: 1_000, pid: process.pid },
    ]);
    await clearSpawnIntent(layout, "w1");
    expect(await readIntents(layout)).toEqual([]);
  });

  it("one file per spawn: this process's intents are live, an earlier version's shared one is not", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "hal9000-intent-"));
    const layout = homeLayout(dir);
    await writeSpawnIntent(layout, { name: "w1", parent: "p", homeCreated: true, calledAtMs: 1 });
    await writeSpawnIntent(layout, { name: "w2", parent: "p", homeCreated: false, calledAtMs: 2 });
    // What an earlier version left: written and removed under the lock, so its writer died.
    await writeFile(
      path.join(dir, "locks", "spawn-intent.json"),
      JSON.stringify({ name: "w0", parent: "p", homeCreated: true, pid: process.pid, hostname: "h", at: "" }),
    );
    const found = (await readIntents(layout)).map((f) => [f.intent.name, f.live, f.legacy]);
    expect(found.sort()).toEqual([
      ["w0", false, true],
      ["w1", true, false],
      ["w2", true, false],
    ]);
    await clearSpawnIntent(layout);
    expect((await readIntents(layout)).map((f) => f.intent.name).sort()).toEqual(["w1", "w2"]);
  });
});
