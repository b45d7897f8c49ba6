import { Readable } from "node:stream";
import { BuildFailedError, type BuildMessage, type Dockerode, dockerEngine } from "@hal9000/core";
import { describe, expect, it } from "vitest";
import { buildContextDir } from "../src/build-context-dir.js";
import { interpretBuildMessage } from "../src/build-stream.js";
import { tempDir } from "./helpers.js";

// What dockerd 20.10's classic builder sends for a Dockerfile whose RUN exits 3.
const FAILING = [
  '{"stream":"Step 1/3 : FROM debian:bookworm-slim"}\r\n{"stream":"\\n"}\r\n',
  '{"stream":" ---\\u003e 936be22f2d42\\n"}\r\n{"stream":"Step 2/3 : RUN echo doomed \\u0026\\u0026 exit 3"}\r\n{"str',
  'eam":"\\n"}\r\n{"stream":" ---\\u003e Running in 1c2d3e4f5a6b\\n"}\r\n{"stream":"doomed\\n"}\r\n',
  `{"errorDetail":{"code":3,"message":"The command '/bin/sh -c echo doomed \\u0026\\u0026 exit 3' returned a non-zero code: 3"},"error":"The command '/bin/sh -c echo doomed \\u0026\\u0026 exit 3' returned a non-zero code: 3"}\r\n`,
];

const SUCCEEDING = [
  '{"stream":"Step 1/2 : FROM debian:bookworm-slim"}\n{"stream":"\\n"}\n{"stream":" ---\\u003e 936be22f2d42\\n"}\n',
  '{"stream":"Step 2/2 : LABEL a=b"}\n{"stream":"\\n"}\n{"stream":" ---\\u003e Running in 9f\\n"}\n',
  '{"aux":{"ID":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}}\n',
  '{"stream":"Successfully built 0123456789ab\\n"}\n{"stream":"Successfully tagged t:1\\n"}',
];

/** The daemon's chunks as core's engine client splits them, each message interpreted. */
const interpretAll = async (chunks: string[]) => {
  const { docker } = cannedDocker(chunks);
  const messages: BuildMessage[] = [];
  const stream = await dockerEngine(docker).images.build(Readable.from([]), {
    tag: "t:1",
    dockerfile: "Dockerfile",
    buildargs: {},
    labels: {},
    noCache: false,
  });
  for await (const m of stream) messages.push(m);
  return messages.flatMap(interpretBuildMessage);
};

describe("build stream", () => {
  it("reassembles messages split across chunks and sorts steps from other output", async () => {
    const out = await interpretAll(SUCCEEDING);
    expect(out.filter((o) => o.kind === "step").map((o) => (o as { message: string }).message)).toEqual([
      "Step 1/2 : FROM debian:bookworm-slim",
      "Step 2/2 : LABEL a=b",
    ]);
    expect(out).toContainEqual({ kind: "log", message: "Successfully tagged t:1" });
    expect(out).toContainEqual({
      kind: "image-id",
      id: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    });
    expect(out.some((o) => o.kind === "error")).toBe(false);
  });

  it("turns errorDetail into an error carrying the daemon's message and code", async () => {
    const out = await interpretAll(FAILING);
    expect(out.at(-1)).toEqual({
      kind: "error",
      code: 3,
      message: "The command '/bin/sh -c echo doomed && exit 3' returned a non-zero code: 3",
    });
    expect(out).toContainEqual({ kind: "log", message: "doomed" });
  });

  it("takes the image id from 'Successfully built' when no aux message came", async () => {
    expect(await interpretAll(['{"stream":"Successfully built 0123456789ab\\n"}\n'])).toContainEqual({
      kind: "image-id",
      id: "0123456789ab",
    });
  });

  it("keeps a line that is not JSON visible instead of dropping it", async () => {
    expect(await interpretAll(["<html>bad gateway</html>\n"])).toEqual([
      { kind: "log", message: "<html>bad gateway</html>" },
    ]);
  });

  it("reads an error given only as `error`", () => {
    expect(interpretBuildMessage({ error: "no space left on device" })).toEqual([
      { kind: "error", message: "no space left on device" },
    ]);
  });
});

/** Just enough of dockerode for buildContextDir: the daemon's answer is canned. */
function cannedDocker(chunks: string[]) {
  const inspected: string[] = [];
  const docker = {
    buildImage: async (tar: Readable) => {
      tar.resume();
      return Readable.from(chunks.map((c) => Buffer.from(c)));
    },
    getImage: (tag: string) => ({
      inspect: async () => {
        inspected.push(tag);
        return { Id: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", Size: 42 };
      },
    }),
  } as unknown as Dockerode;
  return { docker, inspected };
}

describe("buildContextDir on a canned daemon stream", () => {
  it("fails with the daemon's message and the failing step, though the HTTP request succeeded", async () => {
    const { docker, inspected } = cannedDocker(FAILING);
    const contextDir = await tempDir();
    const err = await buildContextDir({ docker, contextDir, tag: "t:1" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildFailedError);
    expect((err as Error).message).toBe(
      "building t:1 failed at Step 2/3 : RUN echo doomed && exit 3: The command '/bin/sh -c echo doomed && exit 3' returned a non-zero code: 3",
    );
    // Only the look-up of what the tag named before the build: no built image is reported.
    expect(inspected).toEqual(["t:1"]);
  });

  it("reports steps and returns the built image", async () => {
    const { docker } = cannedDocker(SUCCEEDING);
    const contextDir = await tempDir();
    const lines: string[] = [];
    const built = await buildContextDir({
      docker,
      contextDir,
      tag: "t:1",
      onOutput: (l) => lines.push(`${l.kind}: ${l.message}`),
    });
    expect(built).toEqual({
      tag: "t:1",
      id: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      size: 42,
    });
    expect(lines).toContain("step: Step 2/2 : LABEL a=b");
  });

  it("fails when the stream ends without an image", async () => {
    const { docker } = cannedDocker(['{"stream":"Step 1/1 : FROM x"}\n']);
    const contextDir = await tempDir();
    await expect(buildContextDir({ docker, contextDir, tag: "t:1" })).rejects.toThrow(
      /ended the build of t:1 without reporting an image/,
    );
  });
});
