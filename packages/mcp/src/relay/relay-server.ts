/**
 * The host side of the relay: an HTTP server on a unix socket under HAL9000_HOME (the parent
 * forwards its loopback port to it), speaking MCP Streamable HTTP at /mcp/<server>.
 *
 * Who calls: every request carries its worker's credential (a file in the worker's own home);
 * the relay finds the worker from it, and refuses workers whose session record says they are
 * gone. What runs: only servers in HAL9000_HOME/config/mcp.json, read at each new session, so a
 * worker names a server but never a command. Whose session: a session id answers only to the
 * worker and server that opened it; another worker presenting it is told it does not exist.
 */

import { chmod, mkdir, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect } from "node:net";
import { dirname } from "node:path";
import type { RelayHealth } from "@hal9000/core";
import { HAL9000_VERSION } from "@hal9000/core/version";
import {
  type HomeLayout,
  mcpRelaySocketPath,
  mcpTokenWorker,
  readMcpConfig,
  SessionStore,
  watchMcpCredentials,
} from "@hal9000/volumes";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { RelayLog } from "./relay-log.js";
import { RelaySession } from "./relay-session.js";

/** Larger than any MCP request a worker sends. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
const PATH_RE = /^\/mcp\/([A-Za-z0-9_-]{1,64})\/?$/;

export interface RelayOptions {
  layout: HomeLayout;
  log: RelayLog;
  /** How often to look for sessions of workers that are gone (default 5 s). */
  sweepMs?: number;
}

export interface RunningRelay {
  socket: string;
  health(): Promise<RelayHealth>;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A JSON-RPC error body, so an MCP client shows the message rather than a bare status. */
function sendError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "request body too large");
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "request body is not JSON");
  }
}

/** Whether something answers on the socket (a live relay), within a second. */
function socketAnswers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(socket);
    const done = (v: boolean) => {
      s.destroy();
      resolve(v);
    };
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
    setTimeout(() => done(false), 1000).unref();
  });
}

export async function startRelay(opts: RelayOptions): Promise<RunningRelay> {
  const { layout, log } = opts;
  const socket = mcpRelaySocketPath(layout);
  const records = new SessionStore(layout.sessions);
  const sessions = new Map<string, RelaySession>();
  const opening = new Set<RelaySession>();
  const startedAt = new Date().toISOString();

  await mkdir(dirname(socket), { recursive: true, mode: 0o700 });
  if (await socketAnswers(socket)) {
    throw Object.assign(new Error(`an MCP relay already answers on ${socket}`), {
      hint: "stop it first (`hal9000 mcp relay stop`), or use it",
    });
  }
  await rm(socket, { force: true }); // a dead relay's socket

  /**
   * Credentials found current in their files (Authorization header → worker), remembered until
   * a credential or a session record changes (or the sweep finds the worker gone): reading
   * both files at every request cost a relayed call 1.2–1.4 ms of its 5–6 (A/B in one process).
   */
  const known = new Map<string, string>();
  let watching: { close(): void } | undefined;
  let generation = 0;
  const forgetCredentials = () => {
    generation++;
    known.clear();
    watching?.close();
    watching = undefined;
  };

  async function workerOf(req: IncomingMessage): Promise<string> {
    const auth = req.headers.authorization ?? "";
    const remembered = known.get(auth);
    if (remembered !== undefined) return remembered;
    const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
    if (!token) throw new HttpError(401, "no hal9000 relay credential (Authorization: Bearer …)");
    // Watching starts before the files are read: a change after the read is always seen.
    watching ??= watchMcpCredentials(layout, forgetCredentials);
    const checkedIn = generation;
    const worker = await mcpTokenWorker(layout, token);
    if (!worker) throw new HttpError(401, "unknown hal9000 relay credential");
    const record = await records.read(worker).catch(() => undefined);
    if (!record || record.state === "ended") throw new HttpError(403, `worker "${worker}" is gone`);
    if (watching && checkedIn === generation) known.set(auth, worker);
    return worker;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://relay");
    if (url.pathname === "/health" && req.method === "GET") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(await health()));
      return;
    }
    const server = PATH_RE.exec(url.pathname)?.[1];
    if (!server) throw new HttpError(404, `no such path ${url.pathname}; servers are at /mcp/<name>`);
    const worker = await workerOf(req);
    const body = req.method === "POST" ? await readBody(req) : undefined;
    const id = req.headers["mcp-session-id"];
    if (typeof id === "string") {
      const session = sessions.get(id);
      if (!session || session.worker !== worker || session.server !== server) {
        throw new HttpError(404, "Session not found");
      }
      await session.transport.handleRequest(req, res, body);
      return;
    }
    if (req.method !== "POST" || !isInitializeRequest(body)) {
      throw new HttpError(400, "no Mcp-Session-Id: start a session with an initialize request");
    }
    const config = await readMcpConfig(layout.home);
    const entry = config.servers[server];
    if (!entry) {
      log.error(`worker=${worker}`, `asked for server "${server}", which is not configured`);
      throw new HttpError(404, `MCP server "${server}" is not configured on the host (hal9000 mcp list)`);
    }
    const session = new RelaySession({
      worker,
      server,
      entry,
      log,
      onInitialized: (sid, s) => {
        opening.delete(s);
        sessions.set(sid, s);
      },
    });
    opening.add(session);
    session.onclosed = () => {
      opening.delete(session);
      const sid = session.transport.sessionId;
      if (sid && sessions.get(sid) === session) sessions.delete(sid);
    };
    log.info(`worker=${worker}`, `new session with ${server}`);
    await session.transport.handleRequest(req, res, body);
    // An initialize the transport refused never gets an id: nothing of it stays.
    if (!session.transport.sessionId) await session.close("initialize refused");
  }

  async function health(): Promise<RelayHealth> {
    const all = [...sessions.values()].map((s) => s.info);
    const h: RelayHealth = {
      pid: process.pid,
      version: HAL9000_VERSION,
      socket,
      startedAt,
      servers: [],
      sessions: all,
    };
    try {
      const config = await readMcpConfig(layout.home);
      for (const [name, entry] of Object.entries(config.servers)) {
        const mine = all.filter((s) => s.server === name);
        const server: RelayHealth["servers"][number] = {
          name,
          command: [entry.command, ...entry.args].join(" "),
          sessions: mine.length,
          calls: mine.reduce((n, s) => n + s.calls, 0),
        };
        const lastError = mine.find((s) => s.lastError)?.lastError;
        if (lastError) server.lastError = lastError;
        h.servers.push(server);
      }
    } catch (err) {
      h.configError = (err as Error).message;
    }
    return h;
  }

  /** Sessions of workers that are gone (record ended or removed, credential removed) end too. */
  async function sweep(): Promise<void> {
    const workers = new Set([...sessions.values()].map((s) => s.worker).concat([...known.values()]));
    for (const worker of workers) {
      const record = await records.read(worker).catch(() => undefined);
      if (record && record.state !== "ended") continue;
      for (const [auth, w] of known) if (w === worker) known.delete(auth);
      for (const s of [...sessions.values()])
        if (s.worker === worker) await s.close(`worker "${worker}" is gone`);
    }
  }

  const http: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (status >= 500) log.error("relay", `${req.method} ${req.url}: ${(err as Error).stack ?? err}`);
      else log.debug("relay", `${req.method} ${req.url}: ${status} ${(err as Error).message}`);
      sendError(res, status, (err as Error).message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(socket, () => {
      http.off("error", reject);
      resolve();
    });
  });
  await chmod(socket, 0o600);
  const sweeper = setInterval(() => {
    sweep().catch((err: unknown) => log.error("relay", `sweep: ${(err as Error).message}`));
  }, opts.sweepMs ?? 5000);
  sweeper.unref();
  log.info("relay", `listening on ${socket} (pid ${process.pid}, hal9000 ${HAL9000_VERSION})`);

  return {
    socket,
    health,
    async close() {
      clearInterval(sweeper);
      forgetCredentials();
      await Promise.all([...sessions.values(), ...opening].map((s) => s.close("the relay stops")));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await rm(socket, { force: true });
      log.info("relay", "stopped");
    },
  };
}
