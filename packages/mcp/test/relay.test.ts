import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type McpForwarder, startMcpForwarder } from "@hal9000/core/internal";
import {
  addMcpServers,
  ensureMcpWorkerToken,
  type HomeLayout,
  homeLayout,
  mcpRelayFiles,
  removeMcpWorkerToken,
} from "@hal9000/volumes";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RelayLog, type RunningRelay, startRelay } from "../src/index.js";
import { MEMORY_SERVER, THINKING_SERVER } from "./servers.js";

let home: string;
let layout: HomeLayout;
let relay: RunningRelay | undefined;
let log: RelayLog;
let forwarder: McpForwarder;
const clients: Client[] = [];

async function record(worker: string, state = "running") {
  await mkdir(layout.sessions, { recursive: true });
  await writeFile(
    join(layout.sessions, `${worker}.json`),
    JSON.stringify({
      schemaVersion: 1,
      name: worker,
      id: "x".repeat(64),
      image: "i",
      parent: "p",
      project: null,
      created: new Date().toISOString(),
      detached: true,
      removeOnExit: true,
      state,
      exitCode: null,
      startedAt: null,
      finishedAt: null,
    }),
  );
}

async function client(worker: string, server = "memory", token?: string): Promise<Client> {
  const t = token ?? (await ensureMcpWorkerToken(layout, worker));
  const c = new Client({ name: "test", version: "1" });
  const transport = new StreamableHTTPClientTransport(
    new URL(`http://127.0.0.1:${forwarder.port}/mcp/${server}`),
    {
      requestInit: { headers: { Authorization: `Bearer ${t}` } },
    },
  );
  await c.connect(transport);
  clients.push(c);
  return c;
}

function health() {
  if (!relay) throw new Error("no relay");
  return relay.health();
}

const text = (r: unknown) => (r as { content: { text: string }[] }).content[0]?.text ?? "";

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "hal9000-relay-"));
  layout = homeLayout(home);
  await addMcpServers(home, {
    memory: {
      command: process.execPath,
      args: [MEMORY_SERVER],
      env: { MEMORY_FILE_PATH: join(home, "memory.jsonl") },
    },
    thinking: { command: process.execPath, args: [THINKING_SERVER] },
  });
  log = await RelayLog.open(mcpRelayFiles(layout).logFile);
  relay = await startRelay({ layout, log, sweepMs: 200 });
  forwarder = await startMcpForwarder(relay.socket, 0);
  await record("w1");
  await record("w2");
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  await relay?.close();
  relay = undefined;
  await forwarder.close();
  await log.close();
  await rm(home, { recursive: true, force: true });
});

describe("the MCP relay", () => {
  it("runs the real memory server for a worker and logs each tool call with its name", async () => {
    const c = await client("w1");
    const tools = (await c.listTools()).tools.map((t) => t.name);
    expect(tools).toContain("create_entities");
    await c.callTool({
      name: "create_entities",
      arguments: { entities: [{ name: "hal", entityType: "computer", observations: ["9000"] }] },
    });
    expect(await readFile(join(home, "memory.jsonl"), "utf8")).toContain('"name":"hal"');
    const logText = await readFile(mcpRelayFiles(layout).logFile, "utf8");
    expect(logText).toMatch(/worker=w1 server=memory .*tool call create_entities: ok/);
  });

  it("gives each worker session its own server process, and hides one worker's session from another", async () => {
    const a = await client("w1", "thinking");
    const b = await client("w2", "thinking");
    await a.listTools();
    await b.listTools();
    const h = await health();
    const pids = h.sessions.map((s) => s.pid);
    expect(h.sessions.map((s) => s.worker).sort()).toEqual(["w1", "w2"]);
    expect(new Set(pids).size).toBe(2);
    // w2's credential with w1's session id: not found.
    const w1Session = h.sessions.find((s) => s.worker === "w1")?.id ?? "";
    const res = await fetch(`http://127.0.0.1:${forwarder.port}/mcp/thinking`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${await ensureMcpWorkerToken(layout, "w2")}`,
        "Mcp-Session-Id": w1Session,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(res.status).toBe(404);
  });

  it("refuses unknown credentials, gone workers and servers that are not configured", async () => {
    await expect(client("w1", "memory", "w1.deadbeef")).rejects.toThrow(/unknown hal9000 relay credential/);
    await record("w3", "ended");
    await expect(client("w3")).rejects.toThrow(/worker .{1,3}w3.{1,3} is gone/);
    await expect(client("w1", "rm-rf")).rejects.toThrow(/rm-rf.{1,3} is not configured/);
  });

  it("remembers a checked credential only until its file or the worker's record changes", async () => {
    const old = await ensureMcpWorkerToken(layout, "w1");
    const c = await client("w1", "memory", old);
    await c.listTools();
    await c.listTools(); // answered with the credential remembered
    const outcome = (token: string) =>
      client("w1", "memory", token).then(
        () => "accepted",
        (err: Error) => err.message,
      );
    await removeMcpWorkerToken(layout, "w1");
    await expect.poll(() => outcome(old), { timeout: 5000 }).toMatch(/unknown hal9000 relay credential/);
    await expect(c.listTools()).rejects.toThrow(/unknown hal9000 relay credential/);
    const renewed = await ensureMcpWorkerToken(layout, "w1");
    expect(renewed).not.toBe(old);
    expect(await outcome(renewed)).toBe("accepted");
    expect(await outcome(old)).toMatch(/unknown hal9000 relay credential/);
    await record("w1", "ended");
    await expect.poll(() => outcome(renewed), { timeout: 5000 }).toMatch(/worker .{1,3}w1.{1,3} is gone/);
  });

  it("answers the calls of a killed server with an MCP error, and starts it again on the next call", async () => {
    const c = await client("w1");
    await c.listTools();
    const pid = (await health()).sessions[0]?.pid;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid as number, "SIGKILL");
    await expect(c.callTool({ name: "read_graph", arguments: {} })).rejects.toThrow(
      /exited|not running|could not/,
    );
    const again = await c.callTool({ name: "read_graph", arguments: {} });
    expect(text(again)).toContain("entities");
    const h = await health();
    expect(h.sessions[0]?.pid).not.toBe(pid);
    expect(h.sessions[0]?.restarts).toBe(1);
  });

  it("ends a gone worker's sessions and their processes", async () => {
    const c = await client("w1");
    await c.listTools();
    expect((await health()).sessions).toHaveLength(1);
    await record("w1", "ended");
    await expect.poll(async () => (await health()).sessions.length, { timeout: 5000 }).toBe(0);
  });

  it("makes a worker's call fail at once, with the cause, while the relay is down", async () => {
    await relay?.close();
    relay = undefined;
    await expect(client("w1")).rejects.toThrow(/relay unavailable: the relay is not running/);
  });
});
