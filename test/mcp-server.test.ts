/**
 * Option C end to end: `hal9000 mcp server` (the built CLI) over stdio, driven by the MCP SDK's
 * own client as a host agent would, against the real engine: real workers, the real Claude CLI
 * in them against the Messages API stub on the parent's loopback, real git on the host for
 * branches. Then the real Claude on the host, with hal9000 in its MCP config, asked by the stub
 * (on the host's loopback) to use the exec tool.
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Hal9000 } from "@hal9000/core";
import { fetchClaudeCli } from "@hal9000/images";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CLI_BIN, cliEnv } from "./cli-harness.js";
import {
  type AnthropicStub,
  containerGone,
  type HostStub,
  startHostStub,
  startStub,
  type TempHome,
  type TestFleet,
  tempDir,
  testFleet,
  waitFor,
} from "./helpers/index.js";
import { type TestRepo, testRepo, userState } from "./helpers/repo.js";

const CONTENT = "written by claude through run_task\n";

let fleet: TestFleet;
let hal: Hal9000;
let stub: AnthropicStub;
let client: Client;
let stderr = "";
const repos: TestRepo[] = [];
const spawned: string[] = [];

/** The stub's address and a dummy key: what a worker's Claude needs to reach the stub. */
const workerEnv = () => ({ ...stub.env, ANTHROPIC_API_KEY: "dummy-mcp-key" });

async function call(name: string, args: Record<string, unknown>, onProgress?: (message: string) => void) {
  const r = (await client.callTool({ name, arguments: args }, undefined, {
    timeout: 240_000,
    ...(onProgress ? { onprogress: (p) => onProgress(p.message ?? "") } : {}),
  })) as CallToolResult;
  const text = r.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
  return { ...r, text };
}

async function newRepo(): Promise<TestRepo> {
  const r = await testRepo();
  repos.push(r);
  return r;
}

beforeAll(async () => {
  fleet = await testFleet();
  hal = fleet.hal;
  await hal.startParent();
  stub = await startStub(fleet.docker, fleet.parentName, {
    reply: "Task done.",
    rules: [
      {
        match: "write the file",
        tool: { name: "Write", input: { file_path: "/workspace/hello.txt", content: CONTENT } },
        reply: "I wrote hello.txt.",
      },
    ],
  });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI_BIN, "mcp", "server"],
    env: cliEnv(fleet.home.home, fleet.parentName) as Record<string, string>,
    stderr: "pipe",
  });
  transport.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  client = new Client({ name: "hal9000-test", version: "1.0.0" });
  await client.connect(transport);
});

afterEach(async () => {
  await Promise.all(spawned.splice(0).map((n) => hal.stop(n).catch(() => undefined)));
});

afterAll(async () => {
  await client?.close();
  await fleet?.cleanup();
  await Promise.all(repos.map((r) => r.remove()));
});

describe("hal9000 mcp server (Option C), through the MCP SDK's client over stdio", () => {
  it("lists its tools, each with an input schema", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      "diff",
      "exec",
      "list_workers",
      "logs",
      "run_task",
      "spawn_worker",
      "stop_worker",
    ]);
    const spawn = tools.find((t) => t.name === "spawn_worker");
    expect(Object.keys(spawn?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(["project", "branch", "base", "env"]),
    );
    expect(tools.find((t) => t.name === "exec")?.inputSchema.required).toEqual(["worker", "command"]);
  });

  it("spawns a worker on a branch, runs commands in it, shows its diff, lists and stops it", async () => {
    const repo = await newRepo();
    const before = await userState(repo);
    const name = `${fleet.parentName}-c`;
    spawned.push(name);
    const s = await call("spawn_worker", { project: repo.dir, name, branch: true, env: workerEnv() });
    expect(s.isError, s.text).toBeFalsy();
    expect(s.structuredContent).toMatchObject({ name, state: "running", branch: `hal9000/${name}` });
    expect(s.text).toBe(`spawned ${name} (running) on branch hal9000/${name}`);

    const listed = await call("list_workers", {});
    expect((listed.structuredContent as { workers: unknown[] }).workers).toEqual([
      expect.objectContaining({ name, state: "running", branch: `hal9000/${name}` }),
    ]);

    // Its output and exit code come back as they are; the file lands in the worker's checkout.
    const e = await call("exec", {
      worker: name,
      command: "printf 'from the worker\\n' > made-by-exec.txt; echo out; echo err >&2; exit 3",
    });
    expect(e.isError, e.text).toBeFalsy();
    expect(e.structuredContent).toMatchObject({ exitCode: 3, stdout: "out\n", stderr: "err\n" });
    expect(e.text).toBe("exit code 3\n--- stdout\nout\n\n--- stderr\nerr\n");

    const d = await call("diff", { worker: name });
    expect(d.isError, d.text).toBeFalsy();
    expect(d.structuredContent).toMatchObject({
      worker: name,
      branch: `hal9000/${name}`,
      uncommitted: true,
      files: [expect.objectContaining({ path: "made-by-exec.txt", status: "added" })],
    });
    expect(d.text).toContain("+from the worker");

    const stopped = await call("stop_worker", { worker: name });
    expect(stopped.text).toBe(`stopped ${name}`);
    const after = await call("list_workers", {});
    const still = (after.structuredContent as { workers: { name: string; state: string }[] }).workers;
    expect(still.filter((w) => w.name === name && w.state === "running")).toEqual([]);
    // The user's own work in the repository is as it was.
    expect(await userState(repo)).toEqual(before);
  });

  it("runs a task with progress notifications: Claude's Write lands on the task's branch, the worker goes", async () => {
    const repo = await newRepo();
    const before = await userState(repo);
    const steps: string[] = [];
    const r = await call(
      "run_task",
      {
        prompt: "please write the file",
        project: repo.dir,
        branch: "mcp-task",
        allowed_tools: ["Write"],
        env: workerEnv(),
      },
      (m) => steps.push(m),
    );
    expect(r.isError, `${r.text}\n${stderr}`).toBeFalsy();
    const doc = r.structuredContent as {
      worker: string;
      ok: boolean;
      branch: { name: string; commit: string };
    };
    expect(doc).toMatchObject({ ok: true, exitCode: 0, branch: { name: "mcp-task" } });
    expect(doc.branch.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(r.text).toBe(`I wrote hello.txt.\nbranch mcp-task: commit ${doc.branch.commit}`);
    // The steps while it ran (the SDK's client may drop a notification that arrives with the result).
    const ran = [`worker ${doc.worker} started`, "claude started", "tool: Write"];
    expect(
      steps.filter((m) => ran.includes(m)),
      steps.join("\n"),
    ).toEqual(ran);
    // On the host: the branch holds Claude's file; the user's checkout is untouched.
    expect(repo.git("show", "mcp-task:hello.txt")).toBe(CONTENT);
    expect(await userState(repo)).toEqual(before);
    await waitFor("the task's worker to be removed", () => containerGone(fleet.docker, doc.worker));
  });

  it("reads a worker's output", async () => {
    const name = `${fleet.parentName}-logs`;
    spawned.push(name);
    await hal.spawn({ name, command: ["sh", "-c", "echo first line; echo second line; sleep infinity"] });
    await waitFor("the worker's output", async () =>
      (await call("logs", { worker: name })).text.includes("second"),
    );
    const l = await call("logs", { worker: name, tail: 1 });
    expect(l.isError, l.text).toBeFalsy();
    expect(l.text.replaceAll("\r", "")).toBe("second line\n");
  });

  it("answers bad input and hal9000's failures as tool errors with the message and hint", async () => {
    const missing = await call("exec", { worker: `${fleet.parentName}-nobody`, command: "true" });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/^hal9000: .*nobody/);
    expect(missing.text).toMatch(/\nhint: /);

    const noDiff = await call("diff", { worker: `${fleet.parentName}-nobody` });
    expect(noDiff.isError).toBe(true);
    expect(noDiff.text).toMatch(/^hal9000: /);

    const bad = await call("exec", { worker: "x" });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/command/);

    const noPrompt = await call("run_task", { prompt: "" });
    expect(noPrompt.isError).toBe(true);
    expect(noPrompt.text).toMatch(/prompt/);
  });
});

describe("the real Claude on the host with hal9000 as its MCP server", () => {
  let hostStub: HostStub | undefined;
  let claudeHome: TempHome;

  afterAll(async () => {
    await hostStub?.stop();
    await claudeHome?.remove();
  });

  it("calls mcp__hal9000__exec on the stub's request and gets the worker's output back", async () => {
    const name = `${fleet.parentName}-host`;
    spawned.push(name);
    const project = await tempDir();
    try {
      await hal.spawn({ name, project: project.home, command: ["sleep", "infinity"] });
      hostStub = await startHostStub({
        reply: "The command ran.",
        rules: [
          {
            tool: {
              name: "mcp__hal9000__exec",
              input: { worker: name, command: "echo hal9000-$((6 * 7)) from $(hostname)" },
            },
          },
        ],
      });
      claudeHome = await tempDir("hal9000-test-claude-home-");
      const mcpConfig = path.join(claudeHome.home, "mcp.json");
      await writeFile(
        mcpConfig,
        JSON.stringify({
          mcpServers: {
            hal9000: {
              command: process.execPath,
              args: [CLI_BIN, "mcp", "server"],
              env: { HAL9000_HOME: fleet.home.home, HAL9000_PARENT_NAME: fleet.parentName },
            },
          },
        }),
      );
      const claude = (await fetchClaudeCli()).binary;
      const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          claude,
          [
            "-p",
            "run a command in the worker",
            "--mcp-config",
            mcpConfig,
            "--strict-mcp-config",
            "--allowedTools",
            "mcp__hal9000__exec",
          ],
          {
            cwd: project.home,
            timeout: 180_000,
            env: {
              PATH: process.env.PATH,
              HOME: claudeHome.home,
              ...hostStub?.env,
              ANTHROPIC_API_KEY: "dummy-host-key",
              // Tools offered directly, not behind ToolSearch: the stub asks for one by name.
              ENABLE_TOOL_SEARCH: "false",
              // Wait for hal9000's server however long a loaded machine takes to start it (-p waits ~5 s).
              MCP_CONNECTION_NONBLOCKING: "false",
              CLAUDE_CODE_MCP_STARTUP_WAIT_MS: "60000",
            },
          },
          (err, stdout, stderr) =>
            resolve({ code: err ? ((err.code as number | undefined) ?? 1) : 0, stdout, stderr }),
        );
      });
      expect(out.code, `${out.stdout}\n${out.stderr}`).toBe(0);
      expect(out.stdout).toContain("The command ran.");
      const requests = (await hostStub.requests()).filter((q) => q.answer !== "-");
      expect(requests.some((q) => q.tools?.includes("mcp__hal9000__exec"))).toBe(true);
      // Claude hands the agent the tool's structured result.
      const result = requests.map((q) => q.toolResult).find((t) => t);
      // The worker shares the parent's host name (its network namespace): the output came from there.
      const parentId = (await fleet.docker.getContainer(fleet.parentName).inspect()).Id.slice(0, 12);
      expect(JSON.parse(result ?? "null")).toEqual({
        exitCode: 0,
        stdout: `hal9000-42 from ${parentId}\n`,
        stderr: "",
        truncated: false,
      });
    } finally {
      await project.remove();
    }
  });
});
