import { TaskTimeoutError } from "@hal9000/core";
import { afterAll, describe, expect, test } from "vitest";
import type { TaskEvent } from "../src/api.js";
import { parseTimeout } from "../src/commands/run.js";
import { called, cleanupHomes, cli, fakeTaskResult, newWorld } from "./harness.js";

afterAll(cleanupHomes);

const SESSION_LINE =
  '{"type":"system","subtype":"init","session_id":"s1","model":"claude-x","cwd":"/workspace"}';
const TOOL_LINE =
  '{"type":"assistant","message":{"content":[{"type":"text","text":"Writing it."},{"type":"tool_use","id":"t1","name":"Write","input":{"file_path":"/workspace/a.txt"}}]}}';
const RESULT_LINE = '{"type":"result","subtype":"success","result":"Done."}';

const EVENTS: TaskEvent[] = [
  { type: "worker", name: "hal9000-worker-task", image: "hal9000/worker:latest" },
  {
    type: "session",
    sessionId: "s1",
    model: "claude-x",
    cwd: "/workspace",
    tools: [],
    permissionMode: "default",
    line: SESSION_LINE,
    seq: 1,
  },
  { type: "text", text: "Writing it.", line: TOOL_LINE, seq: 2 },
  {
    type: "tool_use",
    id: "t1",
    name: "Write",
    input: { file_path: "/workspace/a.txt" },
    line: TOOL_LINE,
    seq: 2,
  },
  { type: "result", result: fakeTaskResult(), line: RESULT_LINE, seq: 3 },
  { type: "exit", exitCode: 0 },
];

const withTask = (task: ReturnType<typeof newWorld>["task"]) =>
  newWorld({ parent: { name: "hal9000-parent", state: "running" }, task });

describe("run: a headless task", () => {
  test("readable lines; exit 0 when Claude succeeded", async () => {
    const world = withTask({ events: EVENTS });
    const r = await cli(
      ["run", ".", "-p", "write a.txt", "--allowed-tools", "Write,Edit", "--timeout", "10m"],
      {
        world,
      },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("worker hal9000-worker-task (hal9000/worker:latest)");
    expect(r.stdout).toContain("Writing it.\n→ Write /workspace/a.txt\n");
    expect(r.stdout).toMatch(/✓ done \(1\.5 s, 2 turns, \$0\.0012; session sess-1\)/);
    expect(called(world, "runTask")[0]?.[0]).toMatchObject({
      prompt: "write a.txt",
      project: ".",
      allowedTools: ["Write", "Edit"],
      timeoutMs: 600_000,
      keep: false,
    });
  });

  test("--json: Claude's lines exactly, once per line, and hal9000's own events as JSON lines", async () => {
    const r = await cli(["run", "-p", "x", "--json"], { world: withTask({ events: EVENTS }) });
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")).toEqual([
      '{"type":"hal9000","event":"worker","name":"hal9000-worker-task","image":"hal9000/worker:latest"}',
      SESSION_LINE,
      TOOL_LINE,
      RESULT_LINE,
      '{"type":"hal9000","event":"exit","exitCode":0}',
      "",
    ]);
  });

  test("-p - reads the prompt from stdin", async () => {
    const world = withTask({ events: [] });
    const r = await cli(["run", "-p", "-"], { world, stdin: "refactor\nthe parser\n" });
    expect(r.code).toBe(0);
    expect(called(world, "runTask")[0]?.[0]).toMatchObject({ prompt: "refactor\nthe parser\n" });
  });

  test("the exit code is the outcome: Claude's error 1, timeout 124", async () => {
    const failed = await cli(["run", "-p", "x"], {
      world: withTask({
        events: [],
        result: fakeTaskResult({ ok: false, isError: true, subtype: "error_max_turns" }),
      }),
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("the task failed (error_max_turns)");
    const timedOut = await cli(["run", "-p", "x", "--timeout", "5"], {
      world: withTask({
        events: [{ type: "error", code: "TASK_TIMEOUT", message: "the task timed out after 5000 ms" }],
        error: new TaskTimeoutError("the task timed out after 5000 ms", {
          worker: "w",
          timeoutMs: 5000,
          hint: "give it more time",
        }),
      }),
    });
    expect(timedOut.code).toBe(124);
    expect(timedOut.stderr).toContain("the task timed out after 5000 ms");
    expect(timedOut.stderr).toContain("hint: give it more time");
  });

  test.each([
    [["run"], /missing -p PROMPT/],
    [["run", "-p", "  "], /the prompt is empty/],
    [["run", "-p", "x", "--timeout", "soon"], /--timeout expects a duration, got "soon"/],
    [["run", "-p", "x", "--permission-mode", "yolo"], /invalid permission-mode "yolo"/],
    [["run", "-p", "x", "-e", "NOPE"], /-e expects KEY=VAL/],
  ])("%j is a usage error (exit 125) and starts nothing", async (args, message) => {
    const world = withTask({ events: [] });
    const r = await cli(args, { world });
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(message);
    expect(called(world, "runTask")).toEqual([]);
  });

  test("durations", () => {
    expect(parseTimeout("90")).toBe(90_000);
    expect(parseTimeout("1.5m")).toBe(90_000);
    expect(parseTimeout("2h")).toBe(7_200_000);
    expect(parseTimeout("250ms")).toBe(250);
    expect(() => parseTimeout("0")).toThrow(/duration/);
  });
});
