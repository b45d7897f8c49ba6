import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { homeLayout } from "@hal9000/volumes";
import { afterEach, describe, expect, it } from "vitest";
import {
  clearSpawnIntent,
  planIntentUndo,
  readSpawnIntent,
  writeSpawnIntent,
} from "../../src/spawn/orphans.js";

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
    expect(await readSpawnIntent(layout)).toBeUndefined();
    await writeSpawnIntent(layout, { name: "w1", parent: "p", homeCreated: true });
    expect(await readSpawnIntent(layout)).toMatchObject({
      name: "w1",
      parent: "p",
      homeCreated: true,
      pid: process.pid,
    });
    await clearSpawnIntent(layout);
    expect(await readSpawnIntent(layout)).toBeUndefined();
  });
});
