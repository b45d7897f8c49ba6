// One MCP tool call through the relay (Option B) against the same call made straight over stdio
// on the host, both from the MCP SDK's client in this process, interleaved. The server is the real
// @modelcontextprotocol/server-memory (`read_graph`), one process for each side.
//
// The relayed side is the whole path but one hop: the client speaks Streamable HTTP to a
// forwarder on loopback (core's startMcpForwarder, the code the parent runs), which passes the
// bytes to the relay's unix socket under HAL9000_HOME; the relay (`hal9000 mcp relay -d`, its own
// process, as a user starts it) runs the server for the worker's session. The forwarder runs here
// on the host's loopback, not in the parent: the network rule keeps the host off the parent's
// loopback. The credential and session record are a real worker's (spawned by hal9000).
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { startMcpForwarder } from "@hal9000/core/internal";
import { addMcpServers, ensureMcpWorkerToken, mcpRelayFiles } from "@hal9000/volumes";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const require = createRequire(import.meta.url);
const MEMORY = join(
  dirname(require.resolve("@modelcontextprotocol/server-memory/package.json")),
  "dist",
  "index.js",
);

async function readGraph(client) {
  const r = await client.callTool({ name: "read_graph", arguments: {} });
  if (r.isError) throw new Error(`read_graph failed: ${JSON.stringify(r.content)}`);
}

export const mcpRelay = {
  name: "mcp-relay",
  title: "one MCP tool call (server-memory read_graph) through the relay",
  goal: { text: "report: the relay's cost next to stdio on the host" },
  run: async (bench, { compare, runs }) => {
    const hal = await bench.parent();
    const memoryFile = join(bench.home, "bench-memory.jsonl");
    const server = { command: process.execPath, args: [MEMORY], env: { MEMORY_FILE_PATH: memoryFile } };
    await addMcpServers(hal.layout.home, { memory: server }, { replace: true });
    const worker = await hal.spawn({ command: ["sleep", "infinity"], name: bench.nextName("mcp") });
    const token = await ensureMcpWorkerToken(hal.layout, worker.name);
    await bench.cli(["mcp", "relay", "-d"]);
    const forwarder = await startMcpForwarder(mcpRelayFiles(hal.layout).socket, 0);
    const direct = new Client({ name: "bench-direct", version: "1" });
    const relayed = new Client({ name: "bench-relayed", version: "1" });
    try {
      await direct.connect(new StdioClientTransport({ ...server, stderr: "ignore" }));
      await relayed.connect(
        new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${forwarder.port}/mcp/memory`), {
          requestInit: { headers: { Authorization: `Bearer ${token}` } },
        }),
      );
      return await compare({
        name: mcpRelay.name,
        title: mcpRelay.title,
        goal: mcpRelay.goal,
        runs: runs ?? 50,
        warmup: 5,
        baselines: [{ label: "straight over stdio on the host", fn: () => readGraph(direct) }],
        candidate: {
          label: "loopback → unix socket → hal9000 mcp relay → stdio",
          fn: () => readGraph(relayed),
        },
        note: "the forwarder (core's, as in the parent) runs on the host's loopback here; the relay is `hal9000 mcp relay -d`",
      });
    } finally {
      await relayed.close().catch(() => {});
      await direct.close().catch(() => {});
      await forwarder.close();
      await bench.cli(["mcp", "relay", "stop"]).catch(() => {});
    }
  },
};
