/**
 * Option B end to end: the host's real stdio MCP servers from npm, run on the host by the relay,
 * used by the real Claude CLI in real workers through the parent's loopback port.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { Hal9000 } from "@hal9000/core";
import { RelayLog, type RunningRelay, startRelay } from "@hal9000/mcp";
import { addMcpServers, ensureMcpWorkerToken, mcpRelayFiles, removeMcpServer } from "@hal9000/volumes";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type AnthropicStub,
  execIn,
  readAll,
  startStub,
  type TestFleet,
  testFleet,
  waitFor,
} from "./helpers/index.js";

const require = createRequire(import.meta.url);
const serverBin = (pkg: string) =>
  path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "dist", "index.js");
const MEMORY = serverBin("@modelcontextprotocol/server-memory");
const THINKING = serverBin("@modelcontextprotocol/server-sequential-thinking");
/** 39090 as /proc/net/tcp writes it. */
const PORT_HEX = (39090).toString(16).toUpperCase().padStart(4, "0");

let fleet: TestFleet;
let hal: Hal9000;
let relay: RunningRelay | undefined;
let relayLog: RelayLog;
let memoryFile: string;
/** Workers a test spawned: stopped after it, whatever it asserted. */
const spawned: string[] = [];

/** A detached worker that idles, so a test can exec Claude or bash in it. */
async function idleWorker(suffix: string) {
  const w = await hal.spawn({ command: ["sleep", "infinity"], name: `${fleet.parentName}-${suffix}` });
  spawned.push(w.name);
  return w;
}

async function startTheRelay() {
  relayLog = await RelayLog.open(mcpRelayFiles(hal.layout).logFile);
  relay = await startRelay({ layout: hal.layout, log: relayLog, sweepMs: 500 });
}

async function stopTheRelay() {
  await relay?.close();
  relay = undefined;
  await relayLog?.close();
}

const relayLogText = () => readFile(mcpRelayFiles(hal.layout).logFile, "utf8");

/** TCP sockets in LISTEN in the parent's namespace, as "ADDR:PORT" hex pairs. */
async function tcpListeners(): Promise<string[]> {
  const r = await execIn(fleet.docker, fleet.parentName, ["cat", "/proc/net/tcp", "/proc/net/tcp6"]);
  return r.output
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((c) => c[3] === "0A")
    .map((c) => c[1] ?? "");
}

/** One HTTP response as a worker received it from the relay port. */
interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A POST to the relay port from inside a worker (bash's /dev/tcp: the worker image has no curl; HTTP/1.0, so the body is not chunked),
 * presenting `token`, and `sessionId` when given. The MCP a client would send, byte for byte.
 */
async function postFromWorker(
  worker: string,
  path: string,
  token: string,
  body: unknown,
  sessionId?: string,
): Promise<RawResponse> {
  const script = [
    "exec 3<>/dev/tcp/127.0.0.1/39090 || exit 9",
    'printf "POST %s HTTP/1.0\\r\\nHost: 127.0.0.1:39090\\r\\nAuthorization: Bearer %s\\r\\nContent-Type: application/json\\r\\nAccept: application/json, text/event-stream\\r\\n%sContent-Length: %s\\r\\nConnection: close\\r\\n\\r\\n%s" "$P" "$T" "$S" "$L" "$B" >&3',
    "cat <&3",
  ].join("\n");
  const json = JSON.stringify(body);
  const r = await execIn(fleet.docker, worker, ["bash", "-c", script], {
    env: [
      `P=${path}`,
      `T=${token}`,
      `B=${json}`,
      `L=${Buffer.byteLength(json)}`,
      `S=${sessionId ? `Mcp-Session-Id: ${sessionId}\r\n` : ""}`,
    ],
  });
  const [head = "", ...rest] = r.output.split("\r\n\r\n");
  const [statusLine = "", ...headerLines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const l of headerLines) {
    const colon = l.indexOf(":");
    if (colon > 0) headers[l.slice(0, colon).toLowerCase()] = l.slice(colon + 1).trim();
  }
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? Number.NaN);
  if (Number.isNaN(status)) throw new Error(`no HTTP response from the relay port in ${worker}: ${r.output}`);
  return { status, headers, body: rest.join("\r\n\r\n") };
}

/** The JSON-RPC error message of a refused request. */
const errorOf = (r: RawResponse) => (JSON.parse(r.body) as { error: { message: string } }).error.message;

const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};
const toolsList = { jsonrpc: "2.0", id: 2, method: "tools/list", params: {} };

/** A stub that has Claude call `tool` with `input` (`times` rounds), then answer "done". */
function stubFor(
  tool: string,
  input: unknown,
  extra: { times?: number; hold?: { file: string; after: number } } = {},
) {
  return startStub(fleet.docker, fleet.parentName, {
    reply: "done",
    rules: [{ tool: { name: tool, input: input as Record<string, unknown> }, ...extra }],
  });
}

/** `claude -p` in a running worker, allowed to use the relayed servers' tools. */
async function claudeIn(worker: string, stub: AnthropicStub, prompt: string) {
  const env = Object.entries({
    ...stub.env,
    ANTHROPIC_API_KEY: "dummy",
    // Tools offered directly, not behind ToolSearch (the stub asks for a tool by name; a model would search).
    ENABLE_TOOL_SEARCH: "false",
    // No MCP_CONNECTION_NONBLOCKING here: hal9000 gives every worker with relayed servers the env
    // that makes Claude wait for them (a server's first start on the host can take a while).
  }).map(([k, v]) => `${k}=${v}`);
  return execIn(
    fleet.docker,
    worker,
    ["claude", "-p", prompt, "--allowedTools", "mcp__memory,mcp__thinking"],
    { env },
  );
}

beforeAll(async () => {
  fleet = await testFleet();
  hal = fleet.hal;
  memoryFile = path.join(fleet.home.home, "memory.jsonl");
  await addMcpServers(hal.layout.home, {
    memory: { command: process.execPath, args: [MEMORY], env: { MEMORY_FILE_PATH: memoryFile } },
    thinking: { command: process.execPath, args: [THINKING] },
  });
  await startTheRelay();
  await hal.startParent();
  // The coordinator opens the port as it starts (on a loaded machine that can take a while).
  await waitFor(
    "the relay port",
    async () => (await tcpListeners()).some((a) => a.endsWith(`:${PORT_HEX}`)),
    {
      timeoutMs: 240_000,
      intervalMs: 1000,
    },
  );
}, 300_000);

afterEach(async () => {
  await Promise.all(spawned.splice(0).map((n) => hal.stop(n).catch(() => undefined)));
});

afterAll(async () => {
  await stopTheRelay();
  await fleet?.cleanup();
});

describe("the MCP relay (Option B)", () => {
  it("opens one port, on the parent's loopback only, while servers are configured", {
    timeout: 240_000,
  }, async () => {
    const listeners = await tcpListeners();
    expect(listeners.filter((a) => a.endsWith(`:${PORT_HEX}`))).toEqual([`0100007F:${PORT_HEX}`]);
  });

  it("lists the relayed servers as connected in a worker's `claude mcp list`", async () => {
    const w = await idleWorker("list");
    const r = await execIn(fleet.docker, w.name, ["claude", "mcp", "list"]);
    expect(r.output).toMatch(/memory: http:\/\/127\.0\.0\.1:39090\/mcp\/memory \(HTTP\) - ✔ Connected/);
    expect(r.output).toMatch(/thinking: .* - ✔ Connected/);
    // Its Claude waits for the relayed servers before its first turn (they start on first use).
    const env = (await fleet.docker.getContainer(w.name).inspect()).Config.Env;
    expect(env).toEqual(
      expect.arrayContaining(["MCP_CONNECTION_NONBLOCKING=false", "CLAUDE_CODE_MCP_STARTUP_WAIT_MS=60000"]),
    );
  });

  it("carries a tool_use of mcp__memory__create_entities to the host's memory server, and logs the worker", async () => {
    const stub = await stubFor("mcp__memory__create_entities", {
      entities: [{ name: "hal9000-relayed", entityType: "test", observations: ["from a worker"] }],
    });
    const w = await idleWorker("mem");
    const r = await claudeIn(w.name, stub, "remember hal9000");
    expect(r.output).toContain("done");
    const requests = await stub.requests();
    expect(
      requests.some((q) => q.answer === "tool_use"),
      `${r.output}\n${JSON.stringify(requests)}\n${await relayLogText()}`,
    ).toBe(true);
    expect(requests.find((q) => q.toolResult)?.toolResult).toContain("hal9000-relayed");
    // On the host: the server's own file holds the entity; the relay's log names the worker.
    expect(await readFile(memoryFile, "utf8")).toContain('"name":"hal9000-relayed"');
    expect(await relayLogText()).toMatch(
      new RegExp(`worker=${w.name} server=memory .*tool call create_entities: ok`),
    );
    // hal9000 status shows the relay serving, and the worker's session with its call.
    const { mcp } = await hal.status();
    expect(mcp).toMatchObject({ state: "running", configured: ["memory", "thinking"] });
    const session = mcp.health?.sessions.find((x) => x.worker === w.name && x.server === "memory");
    expect(session?.calls).toBeGreaterThanOrEqual(1);
    expect(mcp.health?.servers.find((x) => x.name === "memory")?.calls).toBeGreaterThanOrEqual(1);
  });

  it("gives two workers at once their own server processes", async () => {
    const stub = await stubFor("mcp__thinking__sequentialthinking", {
      thought: "one step",
      nextThoughtNeeded: false,
      thoughtNumber: 1,
      totalThoughts: 1,
    });
    const [a, b] = await Promise.all(["a", "b"].map((s) => idleWorker(`two-${s}`)));
    if (!a || !b) throw new Error("spawn failed");
    const runs = await Promise.all([claudeIn(a.name, stub, "think"), claudeIn(b.name, stub, "think")]);
    for (const r of runs) expect(r.output).toContain("done");
    const log = await relayLogText();
    const pidOf = (worker: string) =>
      [...log.matchAll(new RegExp(`worker=${worker} server=thinking .*\\(pid (\\d+)\\)`, "g"))].map(
        (m) => m[1],
      );
    const pa = pidOf(a.name);
    const pb = pidOf(b.name);
    expect(pa.length).toBeGreaterThan(0);
    expect(pb.length).toBeGreaterThan(0);
    expect(pa.filter((p) => pb.includes(p))).toEqual([]);
  });

  it("answers a call to a killed server with an MCP error, and the call after it works", async () => {
    const go = `/tmp/${fleet.parentName}-go`;
    const stub = await stubFor("mcp__memory__read_graph", {}, { times: 3, hold: { file: go, after: 1 } });
    const w = await idleWorker("kill");
    const run = claudeIn(w.name, stub, "read the graph three times");
    // First call answered: kill the session's server process on the host, then let Claude go on.
    await waitFor("the first tool result", async () => (await stub.requests()).some((q) => q.toolResult), {
      timeoutMs: 90_000,
    });
    const session = (await relay?.health())?.sessions.find(
      (s) => s.worker === w.name && s.server === "memory",
    );
    expect(session?.pid).toBeGreaterThan(0);
    process.kill(session?.pid as number, "SIGKILL");
    await waitFor("the relay to see it die", async () =>
      /exited; it is started again/.test(await relayLogText()),
    );
    await execIn(fleet.docker, fleet.parentName, ["touch", go]);
    const r = await run;
    expect(r.output).toContain("done");
    const results = (await stub.requests()).map((q) => q.toolResult).filter((t): t is string => !!t);
    const distinct = results.filter((t, i) => t !== results[i - 1]);
    expect(distinct[0]).toContain("entities");
    expect(distinct[1]).toMatch(/ERROR: .*memory.*exited; it is started again on the next call/);
    expect(distinct[2]).toContain("entities");
  });

  it("starts nothing that is not configured: the worker is refused, named in the log, and no session opens", async () => {
    const w = await idleWorker("evil");
    const token = await ensureMcpWorkerToken(hal.layout, w.name);
    const r = await postFromWorker(w.name, "/mcp/evil", token, initialize);
    expect(r.status).toBe(404);
    expect(errorOf(r)).toBe('MCP server "evil" is not configured on the host (hal9000 mcp list)');
    // Claude in the worker pointed at it by hand sees a server that fails, not a new process.
    const add = await execIn(fleet.docker, w.name, [
      "claude",
      "mcp",
      "add",
      "--scope",
      "user",
      "--transport",
      "http",
      "evil",
      "http://127.0.0.1:39090/mcp/evil",
      "--header",
      `Authorization: Bearer ${token}`,
    ]);
    expect(add.exitCode, add.output).toBe(0);
    const list = await execIn(fleet.docker, w.name, ["claude", "mcp", "list"]);
    expect(list.output).toMatch(/evil: .* - ✘ Failed to connect/);
    expect(list.output).toMatch(/memory: .* - ✔ Connected/);
    expect(await relayLogText()).toContain(
      `worker=${w.name} asked for server "evil", which is not configured`,
    );
    const health = await relay?.health();
    expect(health?.sessions.filter((s) => s.server === "evil")).toEqual([]);
    // A credential that is not the worker's own opens nothing either.
    const forged = await postFromWorker(w.name, "/mcp/memory", `${w.name}.${"0".repeat(48)}`, initialize);
    expect(forged.status).toBe(401);
    expect(errorOf(forged)).toBe("unknown hal9000 relay credential");
  });

  it("keeps a worker's server session its own: another worker presenting its id is told it does not exist", async () => {
    const [a, b] = await Promise.all([idleWorker("own-a"), idleWorker("own-b")]);
    if (!a || !b) throw new Error("spawn failed");
    const tokenA = await ensureMcpWorkerToken(hal.layout, a.name);
    const tokenB = await ensureMcpWorkerToken(hal.layout, b.name);
    const opened = await postFromWorker(a.name, "/mcp/memory", tokenA, initialize);
    expect(opened.status, opened.body).toBe(200);
    const sessionId = opened.headers["mcp-session-id"];
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const stolen = await postFromWorker(b.name, "/mcp/memory", tokenB, toolsList, sessionId);
    expect(stolen.status).toBe(404);
    expect(errorOf(stolen)).toBe("Session not found");
    const own = await postFromWorker(a.name, "/mcp/memory", tokenA, toolsList, sessionId);
    expect(own.status, own.body).toBe(200);
    expect(own.body).toContain("create_entities");
    const sessions = (await relay?.health())?.sessions.filter((s) => s.id === sessionId);
    expect(sessions?.map((s) => s.worker)).toEqual([a.name]);
  });

  it("with the relay stopped, a worker's Claude shows the servers failed, and status says why", async () => {
    const w = await idleWorker("down");
    await stopTheRelay();
    const r = await execIn(fleet.docker, w.name, ["claude", "mcp", "list"]);
    expect(r.output).toMatch(/memory: .* - ✘ Failed to connect/);
    const status = await hal.mcpRelay();
    expect(status).toMatchObject({ state: "stopped", why: "the relay is not running on the host" });
    expect(status.hint).toContain("hal9000 mcp relay -d");
    expect((await hal.status()).mcp.state).toBe("stopped");
    await startTheRelay();
    const again = await execIn(fleet.docker, w.name, ["claude", "mcp", "list"]);
    expect(again.output).toMatch(/memory: .* - ✔ Connected/);
  });

  it("closes the port when the last server is removed", async () => {
    await removeMcpServer(hal.layout.home, "memory");
    await removeMcpServer(hal.layout.home, "thinking");
    await waitFor(
      "the relay port to close",
      async () => !(await tcpListeners()).some((a) => a.endsWith(`:${PORT_HEX}`)),
      {
        timeoutMs: 60_000,
      },
    );
    const coordinatorLog = await readAll(
      await import("node:fs").then((fs) =>
        fs.createReadStream(path.join(hal.layout.logs, "coordinator.log")),
      ),
    );
    expect(coordinatorLog).toContain("MCP relay port closed: no servers configured");
  });
});
