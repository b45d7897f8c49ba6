import { Duplex, PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runTerminal, type TerminalIO } from "../../src/terminal/terminal.js";

/** A container's hijacked stream: what is written goes to the container, what it pushes comes out. */
function fakeRemote() {
  const sent: string[] = [];
  const stream = new Duplex({
    read() {},
    write(chunk, _enc, cb) {
      sent.push(chunk.toString());
      cb();
    },
  });
  return { stream, sent };
}

/** A fake TTY: records raw-mode switches and lets the test fire resize events. */
function fakeTty(columns = 80, rows = 24) {
  const rawModes: boolean[] = [];
  const stdin = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode(m: boolean) {
      rawModes.push(m);
      return this;
    },
  });
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns, rows });
  return { io: { stdin, stdout } as TerminalIO, stdin, stdout, rawModes };
}

describe("runTerminal", () => {
  it("sets raw mode, pipes both ways, propagates resize and returns the exit code; raw mode restored", async () => {
    const { io, stdin, stdout, rawModes } = fakeTty();
    const { stream: remote, sent } = fakeRemote();
    const sizes: { h: number; w: number }[] = [];
    let exit!: (code: number) => void;
    const exitCode = new Promise<number>((r) => {
      exit = r;
    });
    let output = "";
    stdout.on("data", (c) => {
      output += c;
    });
    const done = runTerminal(io, {
      stream: remote,
      resize: async (s) => {
        sizes.push(s);
      },
      exitCode,
    });
    stdin.write("ls\r");
    await new Promise((r) => setImmediate(r));
    Object.assign(stdout, { columns: 120, rows: 40 });
    stdout.emit("resize");
    remote.push("prompt$ ");
    await new Promise((r) => setImmediate(r));
    exit(3);
    remote.push(null);
    expect(await done).toBe(3);
    expect(rawModes).toEqual([true, false]);
    expect(sizes).toEqual([
      { h: 24, w: 80 },
      { h: 40, w: 120 },
    ]);
    expect(sent.join("")).toBe("ls\r");
    expect(output).toBe("prompt$ ");
    expect(stdout.listenerCount("resize")).toBe(0);
  });

  it("restores raw mode when the session fails", async () => {
    const { io, rawModes } = fakeTty();
    const remote = new PassThrough();
    const err = await runTerminal(io, {
      stream: remote,
      resize: async () => undefined,
      exitCode: Promise.reject(new Error("daemon went away")),
    }).catch((e: Error) => e);
    expect((err as Error).message).toBe("daemon went away");
    expect(rawModes).toEqual([true, false]);
  });

  it("leaves a non-TTY stdin alone (no raw mode, no resize)", async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const remote = new PassThrough();
    const sizes: unknown[] = [];
    remote.end();
    const code = await runTerminal(
      { stdin, stdout },
      { stream: remote, resize: async (s) => sizes.push(s), exitCode: Promise.resolve(0) },
    );
    expect(code).toBe(0);
    expect(sizes).toEqual([]);
  });
});
