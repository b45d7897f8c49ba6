/**
 * Option B end to end: the host's real stdio MCP servers from npm, run on the host by the relay,
 * used by the real Claude CLI in real workers through the parent's loopback port.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { type Hal9000, mcpRelayStatus } from "@hal9000/core";
import { RelayLog, type RunningRelay, startRelay } from "@hal9000/mcp";
import { addMcpServers, mcpRelayFiles, removeMcpServer } from "@hal9000/volumes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  // Tools offered directly, not behind ToolSearch (the stub asks for a tool by name; a model would search).
  const env = Object.entries({ ...stub.env, ANTHROPIC_API_KEY: "dummy", ENABLE_TOOL_SEARCH: "false" }).map(([k, v]) => `${k}=${v}`);
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
  await waitFor("the relay port", async () => (await tcpListeners()).some((a) => a.endsWith(`:${PORT_HEX}`)), {
    timeoutMs: 240_000,
    intervalMs: 1000,
  });
}, 300_000);

afterAll(async () => {
  await stopTheRelay();
  await fleet?.cleanup();
});

describe("the MCP relay (Option B)", () => {
  it("opens one port, on the parent's loopback only, while servers are configured", {
    timeout: 240_000,
  }, async () => {
    expect(await tcpListeners()).toEqual([`0100007F:${PORT_HEX}`]);
  });

  it("lists the relayed servers as connected in a worker's `claude mcp list`", async () => {
    const w = await hal.spawn({ command: ["sleep", "infinity"], name: `${fleet.parentName}-list` });
    const r = await execIn(fleet.docker, w.name, ["claude", "mcp", "list"]);
    expect(r.output).toMatch(/memory: http:\/\/127\.0\.0\.1:39090\/mcp\/memory \(HTTP\) - ✔ Connected/);
    expect(r.output).toMatch(/thinking: .* - ✔ Connected/);
    await hal.stop(w.name);
  });

  it("carries a tool_use of mcp__memory__create_entities to the host's memory server, and logs the worker", async () => {
    const stub = await stubFor("mcp__memory__create_entities", {
      entities: [{ name: "hal9000-relayed", entityType: "test", observations: ["from a worker"] }],
    });
    const w = await hal.spawn({ command: ["sleep", "infinity"], name: `${fleet.parentName}-mem` });
    const r = await claudeIn(w.name, stub, "remember hal9000");
    expect(r.output).toContain("done");
    const requests = await stub.requests();
    expect(requests.some((q) => q.answer === "tool_use"), `${r.output}\n${JSON.stringify(requests)}\n${await relayLogText()}`).toBe(true);
    expect(requests.find((q) => q.toolResult)?.toolResult).toContain("hal9000-relayed");
    // On the host: the server's own file holds the entity; the relay's log names the worker.
    expect(await readFile(memoryFile, "utf8")).toContain('"name":"hal9000-relayed"');
    expect(await relayLogText()).toMatch(
      new RegExp(`worker=${w.name} server=memory .*tool call create_entities: ok`),
    );
    await hal.stop(w.name);
  });

  it("gives two workers at once their own server processes", async () => {
    const stub = await stubFor("mcp__thinking__sequentialthinking", {
      thought: "one step",
      nextThoughtNeeded: false,
      thoughtNumber: 1,
      totalThoughts: 1,
    });
    const [a, b] = await Promise.all(
      ["a", "b"].map((s) =>
        hal.spawn({ command: ["sleep", "infinity"], name: `${fleet.parentName}-two-${s}` }),
      ),
    );
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
    await Promise.all([hal.stop(a.name), hal.stop(b.name)]);
  });

  it("answers a call to a killed server with an MCP error, and the call after it works", async () => {
    const go = `/tmp/${fleet.parentName}-go`;
    const stub = await stubFor("mcp__memory__read_graph", {}, { times: 3, hold: { file: go, after: 1 } });
    const w = await hal.spawn({ command: ["sleep", "infinity"], name: `${fleet.parentName}-kill` });
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
    await hal.stop(w.name);
  });

  it("with the relay stopped, a worker's Claude shows the servers failed, and status says why", async () => {
    const w = await hal.spawn({ command: ["sleep", "infinity"], name: `${fleet.parentName}-down` });
    await stopTheRelay();
    const r = await execIn(fleet.docker, w.name, ["claude", "mcp", "list"]);
    expect(r.output).toMatch(/memory: .* - ✘ Failed to connect/);
    const status = await mcpRelayStatus(hal.layout);
    expect(status).toMatchObject({ state: "stopped", why: "the relay is not running on the host" });
    expect(status.hint).toContain("hal9000 mcp relay -d");
    await startTheRelay();
    const again = await execIn(fleet.docker, w.name, ["claude", "mcp", "list"]);
    expect(again.output).toMatch(/memory: .* - ✔ Connected/);
    await hal.stop(w.name);
  });

  it("closes the port when the last server is removed", async () => {
    await removeMcpServer(hal.layout.home, "memory");
    await removeMcpServer(hal.layout.home, "thinking");
    await waitFor("the relay port to close", async () => (await tcpListeners()).length === 0, {
      timeoutMs: 60_000,
    });
    const coordinatorLog = await readAll(
      await import("node:fs").then((fs) =>
        fs.createReadStream(path.join(hal.layout.logs, "coordinator.log")),
      ),
    );
    expect(coordinatorLog).toContain("MCP relay port closed: no servers configured");
  });
});
