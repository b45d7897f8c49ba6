/**
 * The relay as a host process: in the foreground (until SIGINT/SIGTERM), or detached, with its
 * pid file and log under HAL9000_HOME, started by `hal9000 mcp relay -d` and by `hal9000 up`.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { McpRelayStatus } from "@hal9000/core";
import { mcpRelayStatus, relayPid } from "@hal9000/core/internal";
import { type HomeLayout, mcpRelayFiles } from "@hal9000/volumes";
import { RelayLog } from "./relay-log.js";
import { type RunningRelay, startRelay } from "./relay-server.js";

/** A relay problem, with the same message/hint shape as hal9000's other errors. */
export class RelayError extends Error {
  readonly code = "MCP_RELAY";
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Runs the relay in this process until `signal` aborts; writes and removes the pid file. */
export async function runRelay(
  layout: HomeLayout,
  opts: {
    signal: AbortSignal;
    echo?: NodeJS.WritableStream;
    debug?: boolean;
    onListening?: (r: RunningRelay) => void;
  },
): Promise<void> {
  const files = mcpRelayFiles(layout);
  const echo = process.env[DETACHED_ENV] === "1" ? undefined : opts.echo;
  const log = await RelayLog.open(files.logFile, { echo, debug: opts.debug });
  let relay: RunningRelay;
  try {
    relay = await startRelay({ layout, log });
  } catch (err) {
    log.error("relay", (err as Error).message);
    await log.close();
    throw new RelayError((err as Error).message, (err as { hint?: string }).hint);
  }
  await mkdir(dirname(files.pidFile), { recursive: true, mode: 0o700 });
  await writeFile(files.pidFile, `${process.pid}\n`);
  opts.onListening?.(relay);
  try {
    if (!opts.signal.aborted) {
      await new Promise<void>((resolve) =>
        opts.signal.addEventListener("abort", () => resolve(), { once: true }),
      );
    }
  } finally {
    await relay.close();
    const current = await readFile(files.pidFile, "utf8").catch(() => "");
    if (current.trim() === String(process.pid)) await rm(files.pidFile, { force: true });
    await log.close();
  }
}

/** Set in a detached relay's environment: its output already is the log file. */
export const DETACHED_ENV = "HAL9000_MCP_RELAY_DETACHED";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function lastLines(file: string, n = 5): Promise<string> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.trimEnd().split("\n").slice(-n).join("\n");
}

/**
 * Starts the relay as a detached process (`argv` runs `hal9000 mcp relay` in the foreground),
 * and waits until it answers. A relay that already runs is left alone.
 */
export async function startRelayDetached(
  layout: HomeLayout,
  argv: readonly string[],
  opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<McpRelayStatus & { started: boolean }> {
  const before = await mcpRelayStatus(layout);
  if (before.state === "running") return { ...before, started: false };
  const files = mcpRelayFiles(layout);
  await mkdir(dirname(files.logFile), { recursive: true });
  const out = openSync(files.logFile, "a", 0o600);
  const [command, ...args] = argv;
  if (!command) throw new RelayError("no command to start the relay with");
  // Its stdout/stderr go to the log too (a crash's stack lands there); it does not echo its own lines.
  const env = { ...(opts.env ?? process.env), [DETACHED_ENV]: "1" };
  const child = spawn(command, args, { detached: true, stdio: ["ignore", out, out], env });
  closeSync(out);
  let exited: number | null | undefined;
  child.once("exit", (code) => {
    exited = code;
  });
  child.unref();
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  while (Date.now() < deadline) {
    const status = await mcpRelayStatus(layout);
    if (status.state === "running") return { ...status, started: true };
    if (exited !== undefined) break;
    await sleep(100);
  }
  if (exited === undefined) child.kill("SIGTERM");
  throw new RelayError(
    exited === undefined
      ? "the MCP relay did not come up in time"
      : `the MCP relay exited at once (code ${exited}):\n${await lastLines(files.logFile)}`,
    `see ${files.logFile}`,
  );
}

/** Stops a running relay (SIGTERM, then SIGKILL); returns the pid it stopped, if any. */
export async function stopRelay(layout: HomeLayout, timeoutMs = 10_000): Promise<number | undefined> {
  const pid = await relayPid(layout);
  if (pid === undefined) return undefined;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await relayPid(layout)) === undefined) return pid;
    await sleep(100);
  }
  process.kill(pid, "SIGKILL");
  await rm(mcpRelayFiles(layout).pidFile, { force: true });
  await rm(mcpRelayFiles(layout).socket, { force: true });
  return pid;
}
