import { chown, readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { type Hal9000, TaskAbortedError, type TaskEvent, TaskTimeoutError } from "@hal9000/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, hal9000 } from "./cli-harness.js";
import {
  type AnthropicStub,
  containerGone,
  startStub,
  type TempHome,
  type TestFleet,
  tempDir,
  testFleet,
} from "./helpers/index.js";

/** The project's owner: not root, and not the fallback UID, so ownership shows whose files they are. */
const OWNER = { uid: 4321, gid: 4321 };
const CONTENT = "written by claude in a worker\n";

/**
 * Headless tasks with the real Claude CLI in real workers, against the Messages API stub on the
 * parent's loopback: the stub asks for a Write (a real tool loop), or holds its answer back.
 */
describe("headless tasks: runTask, runTasks and hal9000 run", () => {
  let fleet: TestFleet;
  let hal: Hal9000;
  let stub: AnthropicStub;
  let project: TempHome;
  let env: Record<string, string>;

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
        { match: "take your time", delayMs: 120_000 },
      ],
    });
    env = { ...stub.env, ANTHROPIC_API_KEY: "dummy-task-key" };
    project = await tempDir();
    await chown(project.home, OWNER.uid, OWNER.gid);
  });

  afterAll(async () => {
    await fleet?.cleanup();
    await project?.remove();
  });

  const gone = (name: string) => containerGone(fleet.docker, name);

  it("runs a real Write tool loop: the file is in the project, owned by its owner; the events tell it", async () => {
    const task = hal.runTask({
      project: project.home,
      prompt: "please write the file",
      env,
      allowedTools: ["Write"],
    });
    const seen: TaskEvent[] = [];
    for await (const e of task) seen.push(e);
    const result = await task.result;

    expect(result).toMatchObject({ ok: true, exitCode: 0, subtype: "success", text: "I wrote hello.txt." });
    expect(result.turns).toBe(2);
    expect(typeof result.costUsd).toBe("number");
    expect(result.sessionId).toMatch(/^[0-9a-f-]{36}$/);

    const file = path.join(project.home, "hello.txt");
    expect(await readFile(file, "utf8")).toBe(CONTENT);
    const st = await stat(file);
    expect({ uid: st.uid, gid: st.gid }).toEqual(OWNER);

    const types = seen.map((e) => e.type);
    expect(types[0]).toBe("worker");
    const toolUse = seen.find((e) => e.type === "tool_use");
    expect(toolUse).toMatchObject({ name: "Write", input: { file_path: "/workspace/hello.txt" } });
    const toolResult = seen.find((e) => e.type === "tool_result");
    expect(toolResult).toMatchObject({
      isError: false,
      toolUseId: toolUse?.type === "tool_use" ? toolUse.id : "",
    });
    expect(types.indexOf("session")).toBeLessThan(types.indexOf("tool_use"));
    expect(types.indexOf("tool_result")).toBeLessThan(types.indexOf("result"));
    expect(types.at(-1)).toBe("exit");

    // The worker is removed; its home keeps the transcript; its record says how the task ended.
    expect(await gone(result.worker)).toBe(true);
    const transcripts = await readdir(
      path.join(hal.layout.workers, result.worker, ".claude/projects/-workspace"),
    );
    expect(transcripts).toContain(`${result.sessionId}.jsonl`);
    const record = await hal.sessions.read(result.worker);
    expect(record?.task).toMatchObject({ outcome: "succeeded", sessionId: result.sessionId, exitCode: 0 });
    expect(record?.state).toBe("ended");
  });

  it("three tasks, two at a time: results in input order; one cancelled, one timed out, both workers gone", async () => {
    const cancel = new AbortController();
    const starts: number[] = [];
    // When each task started and settled (ordering only: no durations are asserted).
    const startedAt = new Map<number, number>();
    const settledAt = new Map<number, number>();
    const running = hal.runTasks(
      [
        { project: project.home, prompt: "take your time (to be cancelled)", env, signal: cancel.signal },
        { project: project.home, prompt: "say hi", env },
        { project: project.home, prompt: "take your time (to time out)", env, timeoutMs: 4000 },
      ],
      {
        concurrency: 2,
        onStart: (i, handle) => {
          starts.push(i);
          startedAt.set(i, performance.now());
          const settled = () => settledAt.set(i, performance.now());
          void handle.result.then(settled, settled);
          // Cancel the first task once Claude is mid-run (its session has started).
          if (i === 0) {
            void (async () => {
              for await (const e of handle)
                if (e.type === "session") cancel.abort(new Error("cancelled by the test"));
            })();
          }
        },
      },
    );
    const results = await running;

    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled", "rejected"]);
    const [cancelled, hi, timedOut] = results;
    expect(cancelled?.status === "rejected" && cancelled.reason).toBeInstanceOf(TaskAbortedError);
    expect(hi?.status === "fulfilled" && hi.value).toMatchObject({ ok: true, text: "Task done." });
    expect(timedOut?.status === "rejected" && timedOut.reason).toBeInstanceOf(TaskTimeoutError);
    // Two lanes: the third task starts only once one of the first two has finished (which of
    // them, and whether the third times out before the other ends, depends on the machine).
    expect(starts).toEqual([0, 1, 2]);
    const firstDone = Math.min(
      settledAt.get(0) ?? Number.POSITIVE_INFINITY,
      settledAt.get(1) ?? Number.POSITIVE_INFINITY,
    );
    expect(startedAt.get(2)).toBeGreaterThanOrEqual(firstDone);
    expect(startedAt.get(1)).toBeLessThan(firstDone);

    for (const r of [cancelled, timedOut]) {
      const worker = (r as PromiseRejectedResult).reason.worker as string;
      expect(await gone(worker)).toBe(true);
      expect((await hal.sessions.read(worker))?.task?.outcome).toBe(
        r === cancelled ? "aborted" : "timed-out",
      );
    }
    const live = await fleet.docker.listContainers({
      filters: { label: [`hal9000.parent=${fleet.parentName}`] },
    });
    expect(live.map((c) => c.Names[0])).toEqual([]);
  });

  it("queues at WORKER_MAX_COUNT instead of failing", async () => {
    const one = await fleet.open({ flags: { workerMaxCount: 1 } });
    const queued: boolean[] = [];
    const results = await one.runTasks(
      [
        { project: project.home, prompt: "say hi", env },
        { project: project.home, prompt: "say hi again", env },
      ],
      {
        concurrency: 2,
        onStart: (_i, handle) => {
          void (async () => {
            for await (const e of handle) queued.push(e.type === "queued");
          })();
        },
      },
    );
    expect(results.map((r) => r.status === "fulfilled" && r.value.ok)).toEqual([true, true]);
    expect(queued).toContain(true);
  });

  it("hal9000 run --json prints Claude's stream-json lines and hal9000's events; exit codes are outcomes", async () => {
    // The key from the caller's environment (it becomes the worker's credential file), the stub's address with -e.
    const cliEnvironment = cliEnv(fleet.home.home, fleet.parentName, { ANTHROPIC_API_KEY: "dummy-cli-key" });
    const stubFlags = Object.entries(stub.env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
    const ok = await hal9000(
      [
        "run",
        project.home,
        "-p",
        "please write the file",
        "--allowed-tools",
        "Write",
        "--json",
        ...stubFlags,
      ],
      cliEnvironment,
    );
    expect(ok.code, ok.stderr).toBe(0);
    const lines = ok.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: "hal9000", event: "worker" });
    expect(lines).toContainEqual(expect.objectContaining({ type: "system", subtype: "init" }));
    expect(lines).toContainEqual(
      expect.objectContaining({ type: "result", subtype: "success", is_error: false }),
    );
    expect(lines.at(-1)).toMatchObject({ type: "hal9000", event: "exit", exitCode: 0 });

    const late = await hal9000(
      ["run", project.home, "-p", "take your time", "--timeout", "3s", ...stubFlags],
      cliEnvironment,
    );
    expect(late.code, late.stderr).toBe(124);
    expect(late.stderr).toMatch(/the task timed out after 3000 ms/);
  });
});
