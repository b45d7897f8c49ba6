import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { homeLayout, stopAllMarkerPath } from "@hal9000/volumes";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assertNotCancelled, lastStopAll, markStopAll } from "../../src/spawn/lock.js";
import { ConflictError } from "../../src/vocabulary/errors.js";

describe("the stop-all marker", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "hal9000-stopall-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("cancels spawns called at or before the stop-all, not later ones", async () => {
    const layout = homeLayout(dir);
    await assertNotCancelled(layout, "p", 1_000);
    await markStopAll(layout, "p", 2_000);
    await expect(assertNotCancelled(layout, "p", 1_999)).rejects.toBeInstanceOf(ConflictError);
    await expect(assertNotCancelled(layout, "p", 2_000)).rejects.toThrow(
      /spawn cancelled: `stop-all` was called/,
    );
    await assertNotCancelled(layout, "p", 2_001);
  });

  it("only moves forward, and is kept per parent", async () => {
    const layout = homeLayout(dir);
    await markStopAll(layout, "p", 2_000);
    await markStopAll(layout, "p", 1_000);
    expect(await lastStopAll(layout, "p")).toBe(2_000);
    expect(await lastStopAll(layout, "other")).toBe(0);
    await assertNotCancelled(layout, "other", 1_000);
  });

  it("reads an unreadable marker as no stop-all", async () => {
    const layout = homeLayout(dir);
    await markStopAll(layout, "p", 2_000);
    await writeFile(stopAllMarkerPath(layout, "p"), "{torn");
    expect(await lastStopAll(layout, "p")).toBe(0);
  });
});
