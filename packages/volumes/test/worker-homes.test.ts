import { mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createWorkerHome,
  homeLayout,
  homeOwner,
  hookEventsSize,
  removeWorkerHome,
  workerHomeExists,
  workerHomePath,
} from "../src/index.js";
import { tempDir } from "./temp-dir.js";

describe("worker homes", () => {
  it("creates workers/<name>/ with mode 0700, idempotently", async () => {
    const layout = homeLayout(await tempDir());
    const path = await createWorkerHome(layout, "hal9000-worker-1");
    expect(path).toBe(join(layout.workers, "hal9000-worker-1"));
    expect(workerHomePath(layout, "hal9000-worker-1")).toBe(path);
    expect((await stat(path)).mode & 0o777).toBe(0o700);
    await writeFile(join(path, ".claude.json"), "{}");
    expect(await createWorkerHome(layout, "hal9000-worker-1")).toBe(path);
    expect(await readdir(path)).toEqual([".claude.json"]);
  });

  it("chowns to the owner when running as root", async () => {
    const layout = homeLayout(await tempDir());
    const path = await createWorkerHome(layout, "w-owned", { uid: 1234, gid: 2345 });
    const s = await stat(path);
    if (process.getuid?.() === 0) expect([s.uid, s.gid]).toEqual([1234, 2345]);
    else expect(s.uid).toBe(process.getuid?.());
  });

  it("removes a worker home and nothing beside it", async () => {
    const layout = homeLayout(await tempDir());
    const a = await createWorkerHome(layout, "w-a");
    await createWorkerHome(layout, "w-b");
    await mkdir(join(a, "sub"));
    await removeWorkerHome(layout, "w-a");
    expect(await readdir(layout.workers)).toEqual(["w-b"]);
    await removeWorkerHome(layout, "w-a"); // already gone: fine
  });

  it.each(["..", ".", "../w", "a/b", "/etc", "a\\b", "", "-x", "a\0b"])(
    "refuses the escaping or invalid name %j",
    async (name) => {
      const base = await tempDir();
      const layout = homeLayout(join(base, "hal"));
      await createWorkerHome(layout, "keep");
      await expect(removeWorkerHome(layout, name)).rejects.toMatchObject({ code: "INVALID_NAME" });
      await expect(createWorkerHome(layout, name)).rejects.toMatchObject({ code: "INVALID_NAME" });
      expect(() => workerHomePath(layout, name)).toThrow(/worker name|not a valid worker name/);
      expect(await readdir(base)).toEqual(["hal"]);
      expect(await readdir(layout.workers)).toEqual(["keep"]);
    },
  );
});

describe("what a spawn asks of a worker's home", () => {
  it("says whether workers/<name>/ is there", async () => {
    const layout = homeLayout(await tempDir());
    expect(await workerHomeExists(layout, "w1")).toBe(false);
    await createWorkerHome(layout, "w1");
    expect(await workerHomeExists(layout, "w1")).toBe(true);
    await removeWorkerHome(layout, "w1");
    expect(await workerHomeExists(layout, "w1")).toBe(false);
    await expect(workerHomeExists(layout, "../x")).rejects.toThrow(/would leave its directory/);
  });

  it("knows the size of events.jsonl (0 before any hook fired)", async () => {
    const layout = homeLayout(await tempDir());
    expect(await hookEventsSize(layout, "w2")).toBe(0);
    const home = await createWorkerHome(layout, "w2");
    await mkdir(join(home, ".hal9000"));
    await writeFile(join(home, ".hal9000", "events.jsonl"), '{"state":"ready"}\n');
    expect(await hookEventsSize(layout, "w2")).toBe(18);
  });

  it("knows who owns HAL9000_HOME, and nobody before it exists", async () => {
    const layout = homeLayout(join(await tempDir(), "home"));
    expect(await homeOwner(layout)).toBeUndefined();
    await mkdir(layout.home);
    const s = await stat(layout.home);
    expect(await homeOwner(layout)).toEqual({ uid: s.uid, gid: s.gid });
  });
});
