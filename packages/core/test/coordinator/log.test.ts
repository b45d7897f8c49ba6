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
});
