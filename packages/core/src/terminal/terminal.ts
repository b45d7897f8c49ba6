import type { Duplex } from "node:stream";
import type { CoreContext } from "../context/context.js";
import { requireRunningParent } from "../parent/parent.js";
import type { CreatedWorker, SpawnOptions } from "../spawn/options.js";
import { spawnWorker } from "../spawn/spawn.js";
import { ConflictError, InvalidInputError } from "../vocabulary/errors.js";
import { logFor } from "../vocabulary/log.js";
import { findWorker } from "../worker/list.js";

const log = logFor("terminal");

/** The caller's terminal (process.stdin/stdout, or streams in tests). */
export interface TerminalIO {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(m: boolean): unknown };
  stdout: NodeJS.WritableStream & {
    isTTY?: boolean;
    columns?: number;
    rows?: number;
    on?(e: "resize", f: () => void): unknown;
  };
}

/** A TTY session in a container: its hijacked stream, how to resize it, and its exit code. */
export interface TerminalSession {
  stream: Duplex;
  resize(size: { h: number; w: number }): Promise<unknown>;
  exitCode: Promise<number>;
}

/** After the exit code arrives, how long trailing output may still take to drain. */
const DRAIN_GRACE_MS = 2000;

/**
 * Connects the caller's terminal to a session until it ends: raw mode on a TTY (always
 * restored, even on error), output piped through, window size propagated on resize.
 */
export async function runTerminal(io: TerminalIO, session: TerminalSession): Promise<number> {
  const { stdin, stdout } = io;
  const { stream } = session;
  const raw = stdin.isTTY === true && typeof stdin.setRawMode === "function";
  const resize = () => {
    if (stdout.isTTY && stdout.columns && stdout.rows) {
      session
        .resize({ h: stdout.rows, w: stdout.columns })
        .catch((err: unknown) => log("resize: %s", (err as Error).message));
    }
  };
  const ended = new Promise<void>((resolve) => {
    stream.once("end", resolve);
    stream.once("close", resolve);
    stream.once("error", (err) => {
      log("session stream: %s", err.message);
      resolve();
    });
  });
  try {
    if (raw) stdin.setRawMode?.(true);
    stream.pipe(stdout, { end: false });
    stdin.pipe(stream);
    resize();
    stdout.on?.("resize", resize);
    const code = await session.exitCode;
    await Promise.race([ended, new Promise((r) => setTimeout(r, DRAIN_GRACE_MS).unref())]);
    return code;
  } finally {
    stdin.unpipe(stream);
    if (raw) stdin.setRawMode?.(false);
    (stdin as { pause?: () => unknown }).pause?.();
    (stdout as { off?: (e: string, f: () => void) => unknown }).off?.("resize", resize);
    stream.unpipe(stdout);
    stream.destroy();
  }
}

/** Spawns a worker with the caller's terminal attached (like `docker run -it`); returns its exit code. */
export async function runInteractive(
  ctx: CoreContext,
  opts: SpawnOptions,
  io: TerminalIO,
  calledAt = Date.now(),
): Promise<number> {
  let session: TerminalSession | undefined;
  const attach = async (created: CreatedWorker) => {
    const what = `attaching to worker "${created.name}"`;
    const containers = ctx.engine.containers;
    // Attach and wait before start, so no output and no exit is missed.
    const stream = await containers.attach(created.id, { stdin: true }, what);
    try {
      const { exitCode } = await containers.wait(created.id, "next-exit");
      session = { stream, resize: (size) => containers.resize(created.id, size), exitCode };
    } catch (err) {
      stream.destroy();
      throw err;
    }
  };
  try {
    await spawnWorker(ctx, { ...opts, detach: false }, { calledAt, beforeStart: attach });
  } catch (err) {
    session?.stream.destroy();
    throw err;
  }
  if (!session) throw new Error("internal: the worker started without a terminal session");
  return runTerminal(io, session);
}

/** A `bash` in a running worker, on the caller's terminal; returns the shell's exit code. */
export async function attachShell(ctx: CoreContext, name: string, io: TerminalIO): Promise<number> {
  const found = await findWorker(ctx, name);
  if (found.State !== "running") {
    throw new ConflictError(`worker "${name}" is ${found.State}, not running`, {
      hint: "attach needs a running worker; see `hal9000 list`, or spawn a new one",
    });
  }
  return execTerminal(ctx, found.Id, ["bash"], io, `attaching to worker "${name}"`);
}

/** Runs a command in the running parent on the caller's terminal (e.g. the tmux dashboard). */
export async function execInParent(ctx: CoreContext, command: string[], io: TerminalIO): Promise<number> {
  if (command.length === 0 || command[0] === "") {
    throw new InvalidInputError("no command to run in the parent", {
      hint: 'e.g. ["tmux", "-L", "hal9000", "attach"]',
    });
  }
  const parent = await requireRunningParent(ctx);
  return execTerminal(ctx, parent.id ?? parent.name, command, io, `running ${command[0]} in the parent`);
}

async function execTerminal(
  ctx: CoreContext,
  ref: string,
  command: string[],
  io: TerminalIO,
  what: string,
): Promise<number> {
  const exec = await ctx.engine.containers.exec(ref, command, what);
  return runTerminal(io, { stream: exec.stream, resize: exec.resize, exitCode: exec.exitCode() });
}
