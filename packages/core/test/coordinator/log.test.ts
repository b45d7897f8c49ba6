import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoordinatorLog } from "../../src/coordinator/log.js";

describe("CoordinatorLog", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "hal9000-core-log-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("appends timestamped lines at or above LOG_LEVEL", async () => {
    const file = path.join(dir, "coordinator.log");
    const log = new CoordinatorLog(file, "warn");
    log.debug("hidden debug");
    log.info("hidden info");
    log.warn("shown warning");
    log.error("shown error");
    await log.close();
    const again = new CoordinatorLog(file, "debug");
    again.debug("appended debug");
    await again.close();
    const lines = (await readFile(file, "utf8")).trimEnd().split("\n");
    expect(lines.map((l) => l.replace(/^\S+ /, ""))).toEqual([
      "warn  shown warning",
      "error shown error",
      "debug appended debug",
    ]);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z warn/);
  });

  it("rotates once the file reaches the limit: the old lines in <file>.1, new ones in a new file", async () => {
    const file = path.join(dir, "rotating.log");
    const log = new CoordinatorLog(file, "info");
    log.info("first line, before the rotation");
    await log.close();
    const again = new CoordinatorLog(file, "info");
    expect(await again.rotate(1_000_000)).toBe(false); // far below the limit: nothing moves
    again.info("second line, still in the first file");
    await new Promise((r) => setTimeout(r, 50));
    expect(await again.rotate(10)).toBe(true);
    again.info("third line, after the rotation");
    await again.close();
    expect(again.rotatedFile).toBe(`${file}.1`);
    const old = await readFile(`${file}.1`, "utf8");
    expect(old).toContain("first line, before the rotation");
    expect(old).toContain("second line, still in the first file");
    expect(old).not.toContain("third line");
    const fresh = (await readFile(file, "utf8")).trimEnd().split("\n");
    expect(fresh).toHaveLength(1);
    expect(fresh[0]).toContain("third line, after the rotation");
  });
});
