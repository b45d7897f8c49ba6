import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addMcpServers, type HomeLayout, homeLayout, mcpRelayFiles } from "@hal9000/volumes";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mcpRelayStatus, type RelayHealth } from "../../src/mcp/relay-status.js";

let home: string;
let layout: HomeLayout;
let server: Server | undefined;

/** Something listening on the relay's socket: answering /health with `health`, or never answering. */
async function listen(health: RelayHealth | "silent"): Promise<void> {
  const socket = mcpRelayFiles(layout).socket;
  await mkdir(join(home, "run"), { recursive: true });
  server = createServer((_req, res) => {
    if (health === "silent") return; // holds the request open
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(health));
  });
  await new Promise<void>((resolve) => server?.listen(socket, resolve));
}

const health = (): RelayHealth => ({
  pid: 4242,
  version: "0.1.0",
  socket: mcpRelayFiles(layout).socket,
  startedAt: "2026-12-01T12:00:00.000Z",
  servers: [{ name: "memory", command: "node memory.js", sessions: 1, calls: 3 }],
  sessions: [],
});

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "hal9000-relay-status-"));
  layout = homeLayout(home);
});

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  await rm(home, { recursive: true, force: true });
});

describe("mcpRelayStatus", () => {
  it("is not-configured, with no hint, when mcp.json lists no server and no relay runs", async () => {
    const s = await mcpRelayStatus(layout);
    expect(s).toEqual({ state: "not-configured", configured: [], socket: mcpRelayFiles(layout).socket });
  });

  it("is stopped, saying why and how to start it, when servers are configured and nothing answers", async () => {
    await addMcpServers(home, { memory: { command: "node", args: ["memory.js"] } });
    const s = await mcpRelayStatus(layout);
    expect(s).toMatchObject({
      state: "stopped",
      configured: ["memory"],
      why: "the relay is not running on the host",
    });
    expect(s.hint).toBe(`start it on the host: hal9000 mcp relay -d (log: ${mcpRelayFiles(layout).logFile})`);
  });

  it("names a live process that holds the pid file while the socket is missing", async () => {
    await addMcpServers(home, { memory: { command: "node", args: ["memory.js"] } });
    await mkdir(join(home, "run"), { recursive: true });
    await writeFile(mcpRelayFiles(layout).pidFile, `${process.pid}\n`);
    const s = await mcpRelayStatus(layout);
    expect(s).toMatchObject({
      state: "stopped",
      pid: process.pid,
      why: `process ${process.pid} holds the pid file but the relay socket is missing`,
    });
  });

  it("is running, with the relay's own health, when the socket answers", async () => {
    await addMcpServers(home, { memory: { command: "node", args: ["memory.js"] } });
    await listen(health());
    const s = await mcpRelayStatus(layout);
    expect(s).toEqual({
      state: "running",
      configured: ["memory"],
      socket: mcpRelayFiles(layout).socket,
      pid: 4242,
      health: health(),
    });
  });

  it("is not-answering, within its bound, when the socket accepts but never answers", async () => {
    await addMcpServers(home, { memory: { command: "node", args: ["memory.js"] } });
    await listen("silent");
    const s = await mcpRelayStatus(layout);
    expect(s.state).toBe("not-answering");
    expect(s.why).toBe(
      `the relay did not answer on ${mcpRelayFiles(layout).socket}: no answer within 2000 ms`,
    );
  });

  it("reports a broken mcp.json as a config error, and still asks the relay", async () => {
    await mkdir(join(home, "config"), { recursive: true });
    await writeFile(join(home, "config", "mcp.json"), "{ not json");
    await listen(health());
    const s = await mcpRelayStatus(layout);
    expect(s.state).toBe("running");
    expect(s.configError).toMatch(/mcp\.json/);
  });
});
