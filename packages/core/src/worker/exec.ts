/**
 * A command in a running worker without a terminal: its stdout, stderr and exit code, as a
 * program (hal9000's MCP server, a script) wants them. Output is capped, so a chatty command
 * cannot fill the caller's memory; a timeout gives up waiting (the command itself is left to
 * the worker, as `docker exec` would).
 */
import type { CoreContext } from "../context/context.js";
import { ConflictError, InvalidInputError } from "../vocabulary/errors.js";
import { findWorker } from "./list.js";

/** Output kept per stream; the rest is dropped and `truncated` says so. */
export const MAX_EXEC_OUTPUT_BYTES = 1024 * 1024;

export interface ExecOptions {
  /** Working directory in the worker (default: the image's, /workspace). */
  cwd?: string;
  env?: Record<string, string>;
  /** Give up waiting after this long (default 10 minutes). */
  timeoutMs?: number;
  /** Each chunk of output as it comes (progress for a caller that streams). */
  onOutput?: (chunk: string, stream: "stdout" | "stderr") => void;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  truncated: boolean;
}

class Capped {
  #chunks: Buffer[] = [];
  #size = 0;
  truncated = false;
  add(chunk: Buffer): void {
    const room = MAX_EXEC_OUTPUT_BYTES - this.#size;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length < chunk.length) this.truncated = true;
    this.#chunks.push(kept);
    this.#size += kept.length;
  }
  text(): string {
    return Buffer.concat(this.#chunks).toString("utf8");
  }
}

export async function execInWorker(
  ctx: CoreContext,
  name: string,
  command: string[],
  opts: ExecOptions = {},
): Promise<ExecResult> {
  if (command.length === 0 || command[0] === "") {
    throw new InvalidInputError("no command to run in the worker", {
      hint: 'e.g. ["ls", "-la"] or ["bash", "-lc", "npm test"]',
    });
  }
  const found = await findWorker(ctx, name);
  if (found.State !== "running") {
    throw new ConflictError(`worker "${name}" is ${found.State}, not running`, {
      hint: "exec needs a running worker; see `hal9000 list`",
    });
  }
  const what = `running ${command[0]} in worker "${name}"`;
  const exec = await ctx.engine.containers.execPiped(
    found.Id,
    command,
    { cwd: opts.cwd, env: opts.env },
    what,
  );
  const stdout = new Capped();
  const stderr = new Capped();
  exec.stdout.on("data", (c: Buffer) => {
    stdout.add(c);
    opts.onOutput?.(c.toString("utf8"), "stdout");
  });
  exec.stderr.on("data", (c: Buffer) => {
    stderr.add(c);
    opts.onOutput?.(c.toString("utf8"), "stderr");
  });
  const timeoutMs = opts.timeoutMs ?? 600_000;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    exec.ended,
    new Promise<void>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new InvalidInputError(
              `${command[0]} in worker "${name}" ran longer than ${Math.round(timeoutMs / 1000)} s`,
              {
                hint: "give it a longer timeout, or run it in the background (nohup … &)",
              },
            ),
          ),
        timeoutMs,
      );
    }),
  ]).finally(() => {
    clearTimeout(timer);
    exec.close();
  });
  return {
    exitCode: await exec.exitCode(),
    stdout: stdout.text(),
    stderr: stderr.text(),
    truncated: stdout.truncated || stderr.truncated,
  };
}
