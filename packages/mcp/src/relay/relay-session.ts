/**
 * One worker's MCP session with one relayed server: the Streamable HTTP side (the SDK's server
 * transport, which Claude in the worker talks to) joined message for message to a stdio server
 * process on the host, as supergateway's stateful gateway does. Three things are added:
 *
 * - The process is the session's own, so servers with per-session state never mix workers.
 * - A process that dies answers every call it still owed with an MCP error, and the next call
 *   starts a new one, which the relay initialises again with the session's own initialize
 *   request before passing the call on: the worker's session survives the crash.
 * - Every tool call is logged with the worker's name, the tool, the outcome and the time taken.
 */
import { randomUUID } from "node:crypto";
import type { RelaySessionHealth } from "@hal9000/core";
import type { McpServerEntry } from "@hal9000/volumes";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import {
  isInitializeRequest,
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import type { RelayLog } from "./relay-log.js";

/** JSON-RPC "internal error": what a caller gets for a call its server died on. */
const SERVER_GONE = -32603;
/** How long a restarted server may take to answer the replayed initialize. */
const REINIT_TIMEOUT_MS = 30_000;

export type SessionInfo = RelaySessionHealth;

interface PendingCall {
  method: string;
  tool?: string;
  started: number;
}

/**
 * isInitializeRequest, asked only of a message whose method says so: the SDK's schema check
 * builds a whole list of issues for every message it refuses, at each call.
 */
function isInitialize(msg: JSONRPCMessage): boolean {
  return (msg as { method?: unknown }).method === "initialize" && isInitializeRequest(msg);
}

export class RelaySession {
  readonly transport: StreamableHTTPServerTransport;
  readonly worker: string;
  readonly server: string;
  readonly #entry: McpServerEntry;
  readonly #log: RelayLog;
  readonly #startedAt = new Date().toISOString();
  #child: StdioClientTransport | undefined;
  /** Set while a (re)started process is being initialised; messages wait on it. */
  #ready: Promise<void> | undefined;
  #initialize: JSONRPCRequest | undefined;
  #pending = new Map<RequestId, PendingCall>();
  #internal = new Map<RequestId, (msg: JSONRPCMessage) => void>();
  #calls = 0;
  #restarts = 0;
  #lastError: string | undefined;
  #closed = false;
  /** Set when the process died between calls: the next call gets this error, the one after a new process. */
  #crashed: string | undefined;
  onclosed: (() => void) | undefined;

  constructor(opts: {
    worker: string;
    server: string;
    entry: McpServerEntry;
    log: RelayLog;
    onInitialized: (id: string, session: RelaySession) => void;
  }) {
    this.worker = opts.worker;
    this.server = opts.server;
    this.#entry = opts.entry;
    this.#log = opts.log;
    this.transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => opts.onInitialized(id, this),
    });
    this.transport.onmessage = (msg) => {
      this.#fromClient(msg).catch((err: unknown) =>
        this.#log.error(this.#tag(), `forwarding: ${(err as Error).message}`),
      );
    };
    this.transport.onclose = () => {
      void this.close("the session ended");
    };
  }

  get info(): SessionInfo {
    const info: SessionInfo = {
      id: this.transport.sessionId,
      worker: this.worker,
      server: this.server,
      pid: this.#child?.pid ?? null,
      startedAt: this.#startedAt,
      calls: this.#calls,
      restarts: this.#restarts,
    };
    if (this.#lastError) info.lastError = this.#lastError;
    return info;
  }

  #tag(): string {
    return `worker=${this.worker} server=${this.server} session=${this.transport.sessionId?.slice(0, 8) ?? "new"}`;
  }

  /** Starts a process; unless this is the session's first, replays the session's initialize. */
  async #start(): Promise<void> {
    const child = new StdioClientTransport({
      command: this.#entry.command,
      args: this.#entry.args,
      env: this.#entry.env,
      stderr: "pipe",
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      const text = chunk.toString().trimEnd();
      if (text) this.#log.debug(this.#tag(), `stderr: ${text}`);
    });
    child.onmessage = (msg) => this.#fromServer(child, msg);
    child.onerror = (err) => this.#log.error(this.#tag(), `server process: ${err.message}`);
    child.onclose = () => this.#exited(child);
    this.#child = child;
    try {
      await child.start();
    } catch (err) {
      this.#child = undefined;
      const message = `cannot start ${this.#entry.command}: ${(err as Error).message}`;
      this.#lastError = message;
      throw new Error(message);
    }
    this.#log.info(
      this.#tag(),
      `started ${this.#entry.command} ${this.#entry.args.join(" ")} (pid ${child.pid})`,
    );
    const init = this.#initialize;
    if (this.#restarts === 0 || init === undefined) return;
    // A new process knows nothing of the session: initialise it as the worker once did.
    const id = `hal9000-reinit-${randomUUID()}`;
    const answered = new Promise<JSONRPCMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no answer to initialize")), REINIT_TIMEOUT_MS);
      this.#internal.set(id, (msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
    });
    await child.send({ ...init, id });
    const reply = await answered.finally(() => this.#internal.delete(id));
    if (isJSONRPCErrorResponse(reply)) throw new Error(`initialize failed: ${reply.error.message}`);
    await child.send({ jsonrpc: "2.0", method: "notifications/initialized" });
  }

  async #fromClient(msg: JSONRPCMessage): Promise<void> {
    if (this.#closed) return;
    const initialize = isInitialize(msg);
    if (initialize) this.#initialize = msg as JSONRPCRequest;
    if (this.#crashed !== undefined && isJSONRPCRequest(msg)) {
      const message = this.#crashed;
      this.#crashed = undefined;
      await this.#reply(msg.id, message);
      return;
    }
    if (isJSONRPCRequest(msg)) {
      const call: PendingCall = { method: msg.method, started: Date.now() };
      if (msg.method === "tools/call") {
        call.tool = String((msg.params as { name?: unknown } | undefined)?.name ?? "?");
        this.#calls++;
      }
      this.#pending.set(msg.id, call);
    }
    try {
      if (!this.#child) {
        if (this.#initialize !== undefined && !initialize) this.#restarts++;
        this.#ready ??= this.#start().finally(() => {
          this.#ready = undefined;
        });
      }
      if (this.#ready) await this.#ready;
      const child = this.#child;
      if (!child) throw new Error("the server process is not running");
      await child.send(msg);
    } catch (err) {
      await this.#child?.close().catch(() => undefined);
      this.#child = undefined;
      const message = `MCP server "${this.server}" could not be started: ${(err as Error).message}`;
      this.#lastError = message;
      this.#log.error(this.#tag(), message);
      if (isJSONRPCRequest(msg)) await this.#fail(msg.id, message);
    }
  }

  #fromServer(child: StdioClientTransport, msg: JSONRPCMessage): void {
    if (child !== this.#child) return;
    if ((isJSONRPCResultResponse(msg) || isJSONRPCErrorResponse(msg)) && msg.id !== undefined) {
      const internal = this.#internal.get(msg.id);
      if (internal) {
        internal(msg);
        return;
      }
      const call = this.#pending.get(msg.id);
      this.#pending.delete(msg.id);
      if (call?.tool !== undefined) {
        const failed = "error" in msg || (msg as { result?: { isError?: unknown } }).result?.isError === true;
        this.#log.info(
          this.#tag(),
          `tool call ${call.tool}: ${failed ? "error" : "ok"} in ${Date.now() - call.started} ms`,
        );
      }
    }
    this.transport.send(msg).catch((err: unknown) => {
      this.#log.debug(this.#tag(), `undeliverable message: ${(err as Error).message}`);
    });
  }

  async #fail(id: RequestId, message: string): Promise<void> {
    const call = this.#pending.get(id);
    this.#pending.delete(id);
    if (call?.tool !== undefined) this.#log.info(this.#tag(), `tool call ${call.tool}: failed: ${message}`);
    await this.#reply(id, message);
  }

  async #reply(id: RequestId, message: string): Promise<void> {
    await this.transport
      .send({ jsonrpc: "2.0", id, error: { code: SERVER_GONE, message } })
      .catch(() => undefined);
  }

  /** The process is gone: whatever it owed gets an error; the next call starts another. */
  #exited(child: StdioClientTransport): void {
    if (child !== this.#child) return;
    this.#child = undefined;
    for (const reject of this.#internal.values())
      reject({ jsonrpc: "2.0", id: 0, error: { code: SERVER_GONE, message: "exited" } });
    if (this.#closed) return;
    const message = `MCP server "${this.server}" exited; it is started again on the next call`;
    this.#lastError = message;
    this.#log.error(this.#tag(), message);
    const owed = [...this.#pending.keys()];
    // Nothing was waiting: the worker learns of the crash from its next call.
    if (owed.length === 0) this.#crashed = message;
    for (const id of owed) void this.#fail(id, message);
  }

  /** Ends the session: its process stops, its HTTP streams close. */
  async close(reason: string): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#log.info(this.#tag(), `closing: ${reason}`);
    const child = this.#child;
    this.#child = undefined;
    await child?.close().catch(() => undefined);
    await this.transport.close().catch(() => undefined);
    this.onclosed?.();
  }
}
