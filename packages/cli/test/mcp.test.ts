/**
 * `hal9000 mcp add | list | remove` through the facade: the real mcp.json of a temp home (the
 * facade's mcpServers/addMcpServer/removeMcpServer over @hal9000/volumes), a fake relay report.
 * The relay itself, import and server run for real in test/mcp-*.test.ts and test/cli-mcp.test.ts.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { McpRelayStatus } from "../src/api.js";
import { EXIT } from "../src/exit-codes.js";
import { cleanupHomes, cli, newWorld } from "./harness.js";

afterAll(cleanupHomes);

const mcpJson = (home: string) => join(home, "config", "mcp.json");
const MEMORY = ["mcp", "add", "memory", "-e", "MEMORY_FILE_PATH=/secret/path.jsonl", "--", "npx", "-y", "m"];

describe("mcp add", () => {
  test("writes the server to mcp.json in Claude Code's format and says what it added", async () => {
    const r = await cli(MEMORY);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      "added MCP server memory: npx -y m\n  workers spawned from now on get it (start the relay: hal9000 mcp relay -d)\n",
    );
    expect(JSON.parse(await readFile(mcpJson(r.home), "utf8"))).toEqual({
      mcpServers: {
        memory: { command: "npx", args: ["-y", "m"], env: { MEMORY_FILE_PATH: "/secret/path.jsonl" } },
      },
    });
  });

  test("a second server of the same name is refused with the way out; --replace replaces it", async () => {
    const first = await cli(MEMORY);
    const again = await cli(["mcp", "add", "memory", "--", "other"], { home: first.home });
    expect(again.code).toBe(EXIT.FAILURE);
    expect(again.stderr).toContain(`a server named "memory" is already in ${mcpJson(first.home)}`);
    expect(again.stderr).toContain("hal9000 mcp remove memory");
    const replaced = await cli(["mcp", "add", "memory", "--replace", "--", "other"], { home: first.home });
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(JSON.parse(await readFile(mcpJson(first.home), "utf8")).mcpServers.memory).toEqual({
      command: "other",
      args: [],
    });
  });

  test("a bad -e is a usage error and nothing is written", async () => {
    const r = await cli(["mcp", "add", "memory", "-e", "NOEQUALS", "--", "npx"]);
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stderr).toContain("-e NOEQUALS: expected KEY=VALUE");
    await expect(readFile(mcpJson(r.home), "utf8")).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("mcp list", () => {
  const running = (): McpRelayStatus => ({
    state: "running",
    configured: ["memory"],
    socket: "/h/run/mcp-relay.sock",
    pid: 4242,
    health: {
      pid: 4242,
      version: "0.1.0",
      socket: "/h/run/mcp-relay.sock",
      startedAt: "2025-01-01T00:00:00.000Z",
      servers: [{ name: "memory", command: "npx", sessions: 2, calls: 7, lastError: "EPIPE" }],
      sessions: [],
    },
  });

  test("each server with the relay's sessions, calls and last error; env by name, never its value", async () => {
    const { home } = await cli(MEMORY);
    const r = await cli(["mcp", "list"], { home, world: newWorld({ mcp: running() }) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/NAME\s+COMMAND\s+SESSIONS\s+CALLS\s+LAST ERROR\n/);
    expect(r.stdout).toMatch(/memory\s+npx -y m\s+2\s+7\s+EPIPE\n/);
    const json = await cli(["mcp", "list", "--json"], { home, world: newWorld({ mcp: running() }) });
    const doc = JSON.parse(json.stdout);
    expect(doc.file).toBe(mcpJson(home));
    expect(doc.servers).toEqual([
      {
        name: "memory",
        command: "npx",
        args: ["-y", "m"],
        env: ["MEMORY_FILE_PATH"],
        sessions: 2,
        calls: 7,
        lastError: "EPIPE",
      },
    ]);
    expect(doc.relay.state).toBe("running");
    expect(r.stdout + json.stdout).not.toContain("/secret/path.jsonl");
  });

  test("no server: says where to add one", async () => {
    const r = await cli(["mcp", "list"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`no servers in ${mcpJson(r.home)}: add one with hal9000 mcp add`);
  });

  test("a broken mcp.json is an error naming the file and line", async () => {
    const { home } = await cli(["volumes", "init"]);
    await writeFile(mcpJson(home), '{"mcpServers": {\n  "memory": {"command": 3}\n}}\n');
    const r = await cli(["mcp", "list"], { home });
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stderr).toContain(`${mcpJson(home)}:2: server "memory" has no command`);
  });
});

describe("mcp remove", () => {
  test("removes the server from mcp.json; an unknown name lists the configured ones", async () => {
    const { home } = await cli(MEMORY);
    const unknown = await cli(["mcp", "remove", "memroy"], { home });
    expect(unknown.code).toBe(EXIT.FAILURE);
    expect(unknown.stderr).toContain(`no MCP server named "memroy" in ${mcpJson(home)}`);
    expect(unknown.stderr).toContain("configured: memory");
    const r = await cli(["mcp", "remove", "memory"], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("removed MCP server memory\n");
    expect(JSON.parse(await readFile(mcpJson(home), "utf8"))).toEqual({ mcpServers: {} });
  });
});
