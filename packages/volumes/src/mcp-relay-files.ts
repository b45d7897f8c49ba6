/**
 * The MCP relay's files under HAL9000_HOME: its unix socket (which the parent forwards its
 * loopback port to; HAL9000_HOME is mounted in the parent), pid file and log, and one credential
 * per worker. A worker's credential is `<worker>.<random hex>`: the relay reads the name from it
 * and compares the whole value with the file, so a worker can only ever speak as itself.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { type FSWatcher, watch } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { HomeError } from "./errors.js";
import type { HomeLayout } from "./home.js";
import { assertWorkerName, workerNameProblem } from "./names.js";
import { readTextIfExists } from "./read-text.js";

export const RUN_DIR_NAME = "run";
/** sun_path holds 108 bytes on Linux (104 on macOS), with the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 103;

export interface McpRelayFiles {
  dir: string;
  socket: string;
  pidFile: string;
  logFile: string;
  tokens: string;
}

export function mcpRelayFiles(layout: HomeLayout): McpRelayFiles {
  const dir = join(layout.home, RUN_DIR_NAME);
  return {
    dir,
    socket: join(dir, "mcp-relay.sock"),
    pidFile: join(dir, "mcp-relay.pid"),
    logFile: join(layout.logs, "mcp-relay.log"),
    tokens: join(layout.secrets, "mcp"),
  };
}

/** The socket path, refused when the OS could not bind it. */
export function mcpRelaySocketPath(layout: HomeLayout): string {
  const socket = mcpRelayFiles(layout).socket;
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH_BYTES) {
    throw new HomeError(
      `the MCP relay socket ${socket} is longer than the ${MAX_SOCKET_PATH_BYTES} bytes a unix socket path may have`,
      { hint: "use a shorter HAL9000_HOME (e.g. ~/.hal9000)" },
    );
  }
  return socket;
}

const tokenFile = (layout: HomeLayout, worker: string) => {
  assertWorkerName(worker);
  return join(mcpRelayFiles(layout).tokens, `${worker}.token`);
};

/** Creates (or keeps) the worker's relay credential; returns it. Readable by HAL9000_HOME's owner only. */
export async function ensureMcpWorkerToken(
  layout: HomeLayout,
  worker: string,
  owner?: { uid: number; gid: number },
): Promise<string> {
  const file = tokenFile(layout, worker);
  const existing = (await readTextIfExists(file))?.trim();
  if (existing?.startsWith(`${worker}.`)) return existing;
  await mkdir(layout.secrets, { recursive: true, mode: 0o700 });
  await mkdir(mcpRelayFiles(layout).tokens, { recursive: true, mode: 0o700 });
  const token = `${worker}.${randomBytes(24).toString("hex")}`;
  await writeFileAtomic(file, `${token}\n`, { mode: 0o600, owner, sync: true });
  return token;
}

export async function removeMcpWorkerToken(layout: HomeLayout, worker: string): Promise<void> {
  await rm(tokenFile(layout, worker), { force: true });
}

/** The worker a presented credential belongs to, or undefined when it is not a current one. */
export async function mcpTokenWorker(layout: HomeLayout, presented: string): Promise<string | undefined> {
  const dot = presented.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const worker = presented.slice(0, dot);
  if (workerNameProblem(worker)) return undefined;
  const stored = (await readTextIfExists(tokenFile(layout, worker)).catch(() => undefined))?.trim();
  if (!stored) return undefined;
  const a = Buffer.from(stored);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b) ? worker : undefined;
}

/**
 * Calls `onChange` once when a file that decides whether a credential is current may have
 * changed: a worker's credential (created, replaced, removed) or any session record (a worker
 * that ended or was removed). Then it stops watching; the caller watches again when it needs to.
 * Undefined when the folders cannot be watched (not there yet, no inotify watches left): then
 * nothing may be remembered. The relay uses it to check a credential against its files once,
 * not at every request.
 */
export function watchMcpCredentials(layout: HomeLayout, onChange: () => void): { close(): void } | undefined {
  const watchers: FSWatcher[] = [];
  let done = false;
  const close = () => {
    done = true;
    for (const w of watchers.splice(0)) w.close();
  };
  const changed = () => {
    if (done) return;
    close();
    onChange();
  };
  try {
    for (const dir of [mcpRelayFiles(layout).tokens, layout.sessions]) {
      const w = watch(dir, { persistent: false }, changed);
      w.on("error", changed);
      watchers.push(w);
    }
  } catch {
    close();
    return undefined;
  }
  return { close };
}
