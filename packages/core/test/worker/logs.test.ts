import { describe, expect, it } from "vitest";
import { demuxLogBuffer } from "../../src/engine/docker-engine.js";
import { workerLogPath } from "../../src/worker/logs.js";

const frame = (stream: 1 | 2, text: string) => {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
};

describe("demuxLogBuffer", () => {
  it("joins stdout and stderr frames in order, dropping the headers", () => {
    const buf = Buffer.concat([frame(1, "hello "), frame(2, "error\n"), frame(1, "bye\n")]);
    expect(demuxLogBuffer(buf).toString()).toBe("hello error\nbye\n");
  });

  it("ignores a truncated trailing header", () => {
    expect(demuxLogBuffer(Buffer.concat([frame(1, "ok"), Buffer.from([1, 0, 0])])).toString()).toBe("ok");
  });
});

describe("workerLogPath", () => {
  it("is <logs>/<worker>.log", () => {
    expect(workerLogPath("/h/logs", "w1")).toBe("/h/logs/w1.log");
  });
});
