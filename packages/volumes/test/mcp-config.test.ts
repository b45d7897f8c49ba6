import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  addMcpServers,
  ensureMcpWorkerToken,
  homeLayout,
  mcpConfigPath,
  mcpRelaySocketPath,
  mcpTokenWorker,
  parseMcpConfig,
  readMcpConfig,
  removeMcpServer,
  removeMcpWorkerToken,
  watchMcpCredentials,
} from "../src/index.js";
import { tempDir } from "./temp-dir.js";

const F = "/h/config/mcp.json";
const memory = { command: "npx", args: ["-y", "@modelcontextprotocol/server-memory"] };

function problem(text: string) {
  try {
    parseMcpConfig(text, F);
  } catch (err) {
    const e = err as { message: string; line?: number; key?: string; hint?: string; code?: string };
    return { message: e.message, line: e.line, key: e.key, hint: e.hint, code: e.code };
  }
  throw new Error("no error");
}

describe("parseMcpConfig", () => {
  it("reads Claude's .mcp.json format and fills in args and env", () => {
    const c = parseMcpConfig(
      JSON.stringify({ mcpServers: { memory, t: { command: "x", env: { A: "1" } } } }),
      F,
    );
    expect(c.servers).toEqual({
      memory: { command: "npx", args: memory.args, env: {} },
      t: { command: "x", args: [], env: { A: "1" } },
    });
  });

  it("names the line and key of an entry without a command", () => {
    const p = problem('{\n  "mcpServers": {\n    "memory": {\n      "args": []\n    }\n  }\n}');
    expect(p).toMatchObject({ line: 3, key: "memory", code: "INVALID_CONFIG" });
    expect(p.message).toBe(`${F}:3: server "memory" has no command`);
    expect(p.hint).toContain('"command"');
  });

  it("refuses a name Claude Code would reject, at its line", () => {
    const p = problem('{"mcpServers": {\n"my server": {"command": "x"}}}');
    expect(p.line).toBe(2);
    expect(p.message).toContain('"my server" is not a server name Claude Code accepts');
  });

  it("reports a server defined twice (JSON.parse would keep the last silently)", () => {
    const p = problem('{"mcpServers": {\n"a": {"command": "x"},\n"a": {"command": "y"}}}');
    expect(p).toMatchObject({ line: 3, key: "a" });
    expect(p.message).toContain('server "a" is defined twice');
  });

  it("gives the line of a JSON syntax error", () => {
    const p = problem('{"mcpServers": {\n  "a": {"command": "x",}\n}}');
    expect(p.line).toBe(2);
    expect(p.message).toMatch(/not valid JSON/);
  });

  it("refuses bad args, env, and non-stdio servers with their keys", () => {
    expect(problem('{"mcpServers": {"a": {"command": "x", "args": "y"}}}').key).toBe("a.args");
    expect(problem('{"mcpServers": {"a": {"command": "x", "env": {"A": 1}}}}').key).toBe("a.env");
    const http = problem('{"mcpServers": {"a": {"type": "http", "url": "http://x"}}}');
    expect(http.key).toBe("a.type");
    expect(http.message).toContain("only stdio servers are relayed");
  });
});

describe("the mcp.json file", () => {
  it("adds, lists and removes servers, keeping keys it does not read", async () => {
    const home = await tempDir();
    expect((await readMcpConfig(home)).servers).toEqual({});
    await addMcpServers(home, { memory });
    const file = mcpConfigPath(home);
    const doc = JSON.parse(await readFile(file, "utf8"));
    doc.mcpServers.memory.note = "mine";
    doc.other = 1;
    await writeFile(file, JSON.stringify(doc));
    await addMcpServers(home, { t: { command: "t" } });
    await expect(addMcpServers(home, { t: { command: "u" } })).rejects.toThrow(/already in/);
    await removeMcpServer(home, "t");
    const after = JSON.parse(await readFile(file, "utf8"));
    expect(after).toEqual({ mcpServers: { memory: { ...memory, note: "mine" } }, other: 1 });
    await expect(removeMcpServer(home, "nope")).rejects.toMatchObject({ hint: "configured: memory" });
  });

  it("changes nothing when the file or the new entry is bad", async () => {
    const home = await tempDir();
    await mkdir(join(home, "config"));
    const bad = '{"mcpServers": {"a": {}}}';
    await writeFile(mcpConfigPath(home), bad);
    await expect(addMcpServers(home, { memory })).rejects.toThrow(/has no command/);
    expect(await readFile(mcpConfigPath(home), "utf8")).toBe(bad);
    await writeFile(mcpConfigPath(home), "{}");
    await expect(addMcpServers(home, { "bad name": { command: "x" } })).rejects.toThrow(/not a server name/);
    expect(await readFile(mcpConfigPath(home), "utf8")).toBe("{}");
  });

  it("says when the file cannot be read", async () => {
    if (process.getuid?.() === 0) {
      // root reads any file: an unreadable path is a directory in the file's place
      const home = await tempDir();
      await mkdir(mcpConfigPath(home), { recursive: true });
      await expect(readMcpConfig(home)).rejects.toMatchObject({
        code: "INVALID_CONFIG",
        message: /cannot be read/,
      });
      return;
    }
    const home = await tempDir();
    await addMcpServers(home, { memory });
    await chmod(mcpConfigPath(home), 0o000);
    await expect(readMcpConfig(home)).rejects.toMatchObject({
      code: "INVALID_CONFIG",
      message: /cannot be read/,
    });
  });
});

describe("relay credentials", () => {
  it("are per worker, stable, and only the exact value names the worker", async () => {
    const layout = homeLayout(await tempDir());
    const a = await ensureMcpWorkerToken(layout, "w-a");
    expect(await ensureMcpWorkerToken(layout, "w-a")).toBe(a);
    const b = await ensureMcpWorkerToken(layout, "w-b");
    expect(a).not.toBe(b);
    expect(await mcpTokenWorker(layout, a)).toBe("w-a");
    expect(await mcpTokenWorker(layout, `w-b.${a.split(".")[1]}`)).toBeUndefined();
    expect(await mcpTokenWorker(layout, "../x.y")).toBeUndefined();
    await removeMcpWorkerToken(layout, "w-a");
    expect(await mcpTokenWorker(layout, a)).toBeUndefined();
  });

  it("watching them: one call when a credential or a session record changes, none where nothing can be watched", async () => {
    const layout = homeLayout(await tempDir());
    expect(watchMcpCredentials(layout, () => undefined)).toBeUndefined(); // no folders yet
    await ensureMcpWorkerToken(layout, "w-a");
    await mkdir(layout.sessions, { recursive: true });
    for (const change of [
      () => removeMcpWorkerToken(layout, "w-a"),
      () => writeFile(join(layout.sessions, "w-a.json"), "{}"),
    ]) {
      let calls = 0;
      const watch = watchMcpCredentials(layout, () => calls++);
      expect(watch).toBeDefined();
      await change();
      await expect.poll(() => calls, { timeout: 20_000 }).toBe(1);
      await ensureMcpWorkerToken(layout, "w-b"); // watching stopped after the first change
      await new Promise((r) => setTimeout(r, 100));
      expect(calls).toBe(1);
      watch?.close();
    }
  });

  it("refuses a home whose socket path is too long to bind", () => {
    expect(() => mcpRelaySocketPath(homeLayout(`/tmp/${"x".repeat(120)}`))).toThrow(/longer than/);
  });
});
