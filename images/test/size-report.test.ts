import type { Dockerode } from "@hal9000/core/internal";
import { describe, expect, it } from "vitest";
import { imageSizeReport } from "../src/size-report.js";

type Fake = { Id: string; Size: number; Layers: string[]; Labels?: Record<string, string> };

/** Image inspection answers from a table; anything else is a 404 as the daemon gives it. */
function fakeDocker(images: Record<string, Fake>): Dockerode {
  return {
    getImage: (tag: string) => ({
      inspect: async () => {
        const i = images[tag];
        if (!i) throw Object.assign(new Error(`no such image: ${tag}`), { statusCode: 404 });
        return {
          Id: i.Id,
          Size: i.Size,
          RootFS: { Type: "layers", Layers: i.Layers },
          Config: { Labels: i.Labels },
        };
      },
    }),
  } as unknown as Dockerode;
}

const base: Fake = { Id: "sha256:base", Size: 74_000_000, Layers: ["l0"] };

describe("imageSizeReport", () => {
  it("measures each image against its base, and workers against their Claude binary", async () => {
    const report = await imageSizeReport(
      fakeDocker({
        "debian:bookworm-slim": base,
        "p:1": {
          Id: "sha256:p",
          Size: 180_000_000,
          Layers: ["l0", "l1"],
          Labels: { "hal9000.version": "0.1.0", "org.opencontainers.image.revision": "abc" },
        },
        "w:1": {
          Id: "sha256:w",
          Size: 485_000_000,
          Layers: ["l0", "l2", "l3"],
          Labels: { "hal9000.claude-version": "2.1.0", "hal9000.claude-binary-size": "402000000" },
        },
      }),
      { parent: "p:1", worker: "w:1", "worker-minimal": "m:1" },
    );
    expect(report.missing).toEqual([{ target: "worker-minimal", tag: "m:1" }]);
    expect(report.images).toEqual([
      {
        target: "parent",
        tag: "p:1",
        id: "sha256:p",
        size: 180_000_000,
        version: "0.1.0",
        revision: "abc",
        baseImage: "debian:bookworm-slim",
        baseSize: 74_000_000,
        aboveBase: 106_000_000,
        claudeVersion: null,
        claudeBinarySize: null,
        overheadAboveClaude: null,
      },
      {
        target: "worker",
        tag: "w:1",
        id: "sha256:w",
        size: 485_000_000,
        version: null,
        revision: null,
        baseImage: "debian:bookworm-slim",
        baseSize: 74_000_000,
        aboveBase: 411_000_000,
        claudeVersion: "2.1.0",
        claudeBinarySize: 402_000_000,
        overheadAboveClaude: 83_000_000,
      },
    ]);
  });

  it("does not measure against a base the image was not built on (retagged since)", async () => {
    const report = await imageSizeReport(
      fakeDocker({
        "debian:bookworm-slim": { ...base, Layers: ["other"] },
        "hal9000/parent:latest": { Id: "sha256:p", Size: 1, Layers: ["l0", "l1"] },
      }),
    );
    expect(report.images[0]).toMatchObject({ baseSize: null, aboveBase: null });
    expect(report.missing.map((m) => m.tag)).toEqual([
      "hal9000/worker:latest",
      "hal9000/worker-minimal:latest",
    ]);
  });
});
