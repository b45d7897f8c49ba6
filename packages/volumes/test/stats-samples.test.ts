import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { homeLayout, readStatsSamples, statsSamplesPath, writeStatsSamples } from "../src/index.js";
import { tempDir } from "./temp-dir.js";

const sample = {
  read: "2026-12-01T17:00:00.000000001Z",
  cpuTotal: 1_000,
  cpuSystem: 2_000_000,
  onlineCpus: 2,
  memoryBytes: 4096,
  memoryLimitBytes: null,
};

describe("stats samples", () => {
  it("reads back what was written, per parent", async () => {
    const layout = homeLayout(await tempDir());
    await writeStatsSamples(layout, "hal9000-parent", { abc: [sample] });
    await writeStatsSamples(layout, "other-parent", { def: [sample, { ...sample, cpuTotal: 2_000 }] });
    expect(await readStatsSamples(layout, "hal9000-parent")).toEqual({ abc: [sample] });
    expect(Object.keys(await readStatsSamples(layout, "other-parent"))).toEqual(["def"]);
    expect(statsSamplesPath(layout, "hal9000-parent")).toBe(`${layout.home}/run/stats-hal9000-parent.json`);
  });

  it("is empty when there is no file, or one it cannot read", async () => {
    const layout = homeLayout(await tempDir());
    expect(await readStatsSamples(layout, "hal9000-parent")).toEqual({});
    const file = statsSamplesPath(layout, "hal9000-parent");
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, "{ half a docu");
    expect(await readStatsSamples(layout, "hal9000-parent")).toEqual({});
    await writeFile(
      file,
      JSON.stringify({ schemaVersion: 2, parent: "hal9000-parent", workers: { a: [sample] } }),
    );
    expect(await readStatsSamples(layout, "hal9000-parent")).toEqual({});
    // Another parent's file under this name is not this parent's.
    await writeFile(file, JSON.stringify({ schemaVersion: 1, parent: "other", workers: { a: [sample] } }));
    expect(await readStatsSamples(layout, "hal9000-parent")).toEqual({});
  });

  it("drops entries that are not samples", async () => {
    const layout = homeLayout(await tempDir());
    const file = statsSamplesPath(layout, "p1");
    await mkdir(dirname(file), { recursive: true });
    const workers = { a: [sample, { read: 3 }, { ...sample, cpuTotal: -1 }, null], b: "x" };
    await writeFile(file, JSON.stringify({ schemaVersion: 1, parent: "p1", workers }));
    expect(await readStatsSamples(layout, "p1")).toEqual({ a: [sample] });
  });

  it("refuses a parent name that is not a container name", async () => {
    const layout = homeLayout(await tempDir());
    expect(() => statsSamplesPath(layout, "../x")).toThrow(/not a parent container name/);
  });
});
