import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SessionStore } from "../src/index.js";
import { record } from "./record.js";
import { tempDir } from "./temp-dir.js";

async function store(): Promise<SessionStore> {
  return new SessionStore(join(await tempDir(), "sessions"));
}

describe("SessionStore", () => {
  it("writes <name>.json (schemaVersion 1) and reads it back", async () => {
    const s = await store();
    const r = record("w1", { project: null });
    await s.write(r);
    expect(await readdir(s.dir)).toEqual(["w1.json"]);
    expect(JSON.parse(await readFile(join(s.dir, "w1.json"), "utf8"))).toEqual(r);
    expect(await s.read("w1")).toEqual(r);
    expect(await s.read("nobody")).toBeUndefined();
  });

  it("rejects an invalid record without writing", async () => {
    const s = await store();
    await expect(s.write({ ...record("w1"), state: "zombie" as "running" })).rejects.toMatchObject({
      code: "INVALID_RECORD",
      message: expect.stringContaining("state must be one of"),
    });
    await expect(s.write(record("../evil"))).rejects.toMatchObject({ code: "INVALID_RECORD" });
    expect((await s.list()).records).toEqual([]);
  });

  it("lists records and reports corrupt files instead of crashing", async () => {
    const s = await store();
    await s.write(record("bb", { created: "2025-01-02T00:00:00.000Z" }));
    await s.write(record("aa", { created: "2025-01-03T00:00:00.000Z" }));
    await writeFile(join(s.dir, "junk.json"), "{ nope");
    await writeFile(join(s.dir, "old.json"), JSON.stringify({ ...record("old"), schemaVersion: 0 }));
    await writeFile(join(s.dir, "other.json"), JSON.stringify(record("someone-else")));
    await writeFile(join(s.dir, "array.json"), "[]");
    await writeFile(join(s.dir, "README.txt"), "not a record");
    await writeFile(join(s.dir, ".c.json.1.abc.tmp"), "half");
    const { records, corrupt } = await s.list();
    expect(records.map((r) => r.name)).toEqual(["bb", "aa"]);
    expect(corrupt).toEqual([
      { file: join(s.dir, "array.json"), error: "not a JSON object" },
      { file: join(s.dir, "junk.json"), error: expect.stringContaining("invalid JSON") },
      { file: join(s.dir, "old.json"), error: "unsupported schemaVersion 0 (expected 1)" },
      { file: join(s.dir, "other.json"), error: 'holds the record of "someone-else", not "other"' },
    ]);
    await expect(s.read("junk")).rejects.toMatchObject({
      code: "CORRUPT_RECORD",
      hint: expect.stringContaining("rm "),
    });
  });

  it("lists nothing when the directory does not exist yet", async () => {
    expect(await (await store()).list()).toEqual({ records: [], corrupt: [] });
  });

  it("updates a record, and returns undefined for a missing one", async () => {
    const s = await store();
    await s.write(record("w1"));
    const updated = await s.update("w1", {
      state: "exited",
      exitCode: 3,
      finishedAt: "2025-01-01T01:00:00.000Z",
    });
    expect(updated).toEqual(
      record("w1", { state: "exited", exitCode: 3, finishedAt: "2025-01-01T01:00:00.000Z" }),
    );
    expect(await s.read("w1")).toEqual(updated);
    expect(await s.update("ghost", { state: "ended" })).toBeUndefined();
    expect(await readdir(s.dir)).toEqual(["w1.json"]);
    await expect(s.update("w1", { name: "w2" })).rejects.toMatchObject({ code: "INVALID_RECORD" });
    await expect(s.update("w1", { exitCode: 1.5 })).rejects.toMatchObject({ code: "INVALID_RECORD" });
    expect(await s.read("w1")).toEqual(updated);
  });

  it("removes a record", async () => {
    const s = await store();
    await s.write(record("w1"));
    await s.remove("w1");
    await s.remove("w1");
    expect(await s.read("w1")).toBeUndefined();
  });

  it("loses none of 20 concurrent writes of different records", async () => {
    const s = await store();
    const names = Array.from({ length: 20 }, (_, i) => `w${String(i).padStart(2, "0")}`);
    await Promise.all(names.map((n) => s.write(record(n))));
    const { records, corrupt } = await s.list();
    expect(corrupt).toEqual([]);
    expect(records.map((r) => r.name).sort()).toEqual(names);
    expect((await readdir(s.dir)).sort()).toEqual(names.map((n) => `${n}.json`));
  });

  it("serialises 20 concurrent updates of one record so no field is lost", async () => {
    const s = await store();
    await s.write(record("w1", { state: "created", startedAt: null }));
    await Promise.all([
      s.update("w1", { state: "running" }),
      s.update("w1", { startedAt: "2025-01-01T00:00:05.000Z" }),
      s.update("w1", { exitCode: 0 }),
      ...Array.from({ length: 17 }, (_, i) => s.update("w1", { id: `id-${i}` })),
    ]);
    expect(await s.read("w1")).toMatchObject({
      state: "running",
      startedAt: "2025-01-01T00:00:05.000Z",
      exitCode: 0,
      id: "id-16",
    });
  });

  it("reconcile marks gone workers ended and leaves live and finished ones", async () => {
    const s = await store();
    const now = new Date("2025-02-01T12:00:00.000Z");
    await s.write(record("live", { state: "running" }));
    await s.write(record("gone-running", { state: "running" }));
    await s.write(record("gone-created", { state: "created", startedAt: null }));
    await s.write(record("gone-with-finish", { state: "running", finishedAt: "2025-01-05T00:00:00.000Z" }));
    await s.write(record("exited", { state: "exited", exitCode: 1, finishedAt: "2025-01-02T00:00:00.000Z" }));
    await writeFile(join(s.dir, "broken.json"), "{");
    const ended = await s.reconcile(new Set(["live"]), now);
    expect(ended.sort()).toEqual(["gone-created", "gone-running", "gone-with-finish"]);
    expect(await s.read("gone-running")).toMatchObject({ state: "ended", finishedAt: now.toISOString() });
    expect(await s.read("gone-with-finish")).toMatchObject({
      state: "ended",
      finishedAt: "2025-01-05T00:00:00.000Z",
    });
    expect(await s.read("live")).toMatchObject({ state: "running", finishedAt: null });
    expect(await s.read("exited")).toMatchObject({ state: "exited" });
    expect(await s.reconcile(new Set(["live"]), now)).toEqual([]);
  });

  it("prune deletes only ended/exited records older than the retention", async () => {
    const s = await store();
    const now = new Date("2025-02-01T00:00:00.000Z");
    await s.write(record("old-ended", { state: "ended", finishedAt: "2025-01-20T00:00:00.000Z" }));
    await s.write(
      record("old-exited", { state: "exited", exitCode: 0, finishedAt: "2025-01-24T23:59:59.000Z" }),
    );
    await s.write(record("old-no-finish", { state: "ended", created: "2025-01-01T00:00:00.000Z" }));
    await s.write(record("recent-ended", { state: "ended", finishedAt: "2025-01-30T00:00:00.000Z" }));
    await s.write(record("old-running", { state: "running", created: "2024-01-01T00:00:00.000Z" }));
    await s.write(record("old-created", { state: "created", created: "2024-01-01T00:00:00.000Z" }));
    await writeFile(join(s.dir, "broken.json"), "{");
    const pruned = await s.prune(7, now);
    expect(pruned.sort()).toEqual(["old-ended", "old-exited", "old-no-finish"]);
    expect((await readdir(s.dir)).sort()).toEqual([
      "broken.json",
      "old-created.json",
      "old-running.json",
      "recent-ended.json",
    ]);
    await expect(s.prune(-1, now)).rejects.toMatchObject({ code: "INVALID_RECORD" });
  });
});
