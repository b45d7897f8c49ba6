import { type ChildProcess, spawn } from "node:child_process";
import { chown, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { type AgentStateChange, type Hal9000, WaitTimeoutError } from "@hal9000/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_BIN, cliEnv, hal9000 } from "./cli-harness.js";
import {
  type AnthropicStub,
  execIn,
  startStub,
  type TempHome,
  type TestFleet,
  tempDir,
  testFleet,
  uniqueName,
  waitFor,
} from "./helpers/index.js";

const OWNER = { uid: 4321, gid: 4321 };

/** `states` holds `expected` in this order (other states may come between). */
function inOrder(states: string[], expected: string[]): boolean {
  let i = 0;
  for (const s of states) if (s === expected[i]) i++;
  return i === expected.length;
}

/**
 * An interactive worker (the Claude TUI, detached) driven by `send`, its state recorded by
 * hal9000's hooks and followed through the API's watch and `hal9000 watch --json`.
 */
describe("agent states from Claude's hooks: spawn -d, send, watch, wait", () => {
  let fleet: TestFleet;
  let hal: Hal9000;
  let stub: AnthropicStub;
  let project: TempHome;
  let env: Record<string, string>;
  const name = uniqueName("hal9000-worker-states");
  const apiSeen: AgentStateChange[] = [];
  const stopWatching = new AbortController();
  let apiWatch: Promise<void>;
  let cliWatch: ChildProcess;
  let cliWatchOut = "";
  let notifyLog = "";

  beforeAll(async () => {
    fleet = await testFleet();
    hal = fleet.hal;
    await hal.startParent();
    stub = await startStub(fleet.docker, fleet.parentName, {
      reply: "Hello there.",
      rules: [
        {
          match: "run the command",
          tool: {
            name: "Bash",
            input: { command: "echo ran > /workspace/ran.txt", description: "write ran.txt" },
          },
          reply: "Ran it.",
        },
      ],
    });
    env = { ...stub.env, ANTHROPIC_API_KEY: "dummy-states-key" };
    project = await tempDir();
    await chown(project.home, OWNER.uid, OWNER.gid);
    // The user's own settings in the worker's home: a hook of theirs, and permission prompts on.
    const claudeDir = path.join(hal.layout.workers, name, ".claude");
    await mkdir(claudeDir, { recursive: true });
    await writeFile(
      path.join(claudeDir, "settings.json"),
      JSON.stringify({
        permissions: { defaultMode: "default" },
        hooks: {
          UserPromptSubmit: [
            { hooks: [{ type: "command", command: "echo user-hook-ran >> /workspace/user-hook.log" }] },
          ],
        },
      }),
    );
    // NOTIFY_COMMAND: `hal9000 watch` runs it on the host with the worker's name, state and message.
    notifyLog = path.join(fleet.home.home, "notify.log");
    const script = path.join(fleet.home.home, "notify.sh");
    await writeFile(script, `printf '%s|%s|%s|%s\\n' "$1" "$2" "$3" "$HAL9000_STATE" >> '${notifyLog}'\n`);
    await mkdir(path.join(fleet.home.home, "config"), { recursive: true });
    await writeFile(
      path.join(fleet.home.home, "config", "hal9000.conf"),
      `NOTIFY_COMMAND=sh '${script}' "$@"\n`,
    );
    apiWatch = (async () => {
      for await (const c of hal.watch({ names: [name], signal: stopWatching.signal })) apiSeen.push(c);
    })();
    cliWatch = spawn(process.execPath, [CLI_BIN, "watch", name, "--json"], {
      env: cliEnv(fleet.home.home, fleet.parentName),
      stdio: ["ignore", "pipe", "pipe"],
    });
    cliWatch.stdout?.on("data", (c: Buffer) => {
      cliWatchOut += c.toString();
    });
  });

  afterAll(async () => {
    stopWatching.abort();
    cliWatch?.kill("SIGTERM");
    await fleet?.cleanup();
    await project?.remove();
  });

  it("spawn returns once Claude's session has started: the worker is ready, no trust dialog in the way", async () => {
    const w = await hal.spawn({ name, project: project.home, env });
    expect(w.agent?.state).toBe("ready");
    const [listed] = (await hal.list()).filter((x) => x.name === name);
    expect(listed?.agent).toMatchObject({ state: "ready" });
  });

  it("send --wait: the prompt runs and the agent is idle again", async () => {
    const state = await hal.send(name, "say hello", { wait: true, timeoutMs: 60_000 });
    expect(state).toMatchObject({ name, state: "idle" });
    const prompts = (await stub.requests()).map((r) => r.prompt ?? "");
    expect(
      prompts.some((p) => p.includes("say hello")),
      prompts.join(" | "),
    ).toBe(true);
  });

  it("a tool that needs permission: the agent is waiting, with Claude's message; wait --until idle times out", async () => {
    const state = await hal.send(name, "please run the command", { wait: true, timeoutMs: 60_000 });
    expect(state).toMatchObject({ name, state: "waiting", lastTool: "Bash" });
    expect(state?.message).toMatch(/permission/i);

    const late = await hal
      .waitFor({ names: [name], until: "idle", timeoutMs: 2000 })
      .catch((e: unknown) => e);
    expect(late).toBeInstanceOf(WaitTimeoutError);
    expect((late as Error).message).toContain(`${name}: waiting`);
    const cli = await hal9000(
      ["wait", name, "--until", "idle", "--timeout", "2s"],
      cliEnv(fleet.home.home, fleet.parentName),
    );
    expect(cli.code).toBe(124); // a --timeout that runs out, as timeout(1) says it
    expect(cli.stderr).toMatch(/timed out after 2000 ms waiting for idle/);
    const now = await hal9000(
      ["wait", name, "--until", "waiting", "--json"],
      cliEnv(fleet.home.home, fleet.parentName),
    );
    expect(now.code, now.stderr).toBe(0);
    expect(JSON.parse(now.stdout).workers[0]).toMatchObject({ name, state: "waiting" });
    // Nobody said yes: the command did not run.
    await expect(readFile(path.join(project.home, "ran.txt"), "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("the user's own hook survived hal9000's merge and ran for each prompt", async () => {
    const log = await readFile(path.join(project.home, "user-hook.log"), "utf8");
    expect(log).toBe("user-hook-ran\nuser-hook-ran\n");
  });

  it("the shell in the worker has a user name", async () => {
    const r = await execIn(fleet.docker, name, ["sh", "-c", "whoami && echo $HOME"], {
      user: `${OWNER.uid}:${OWNER.gid}`,
    });
    expect(r.output.trim().split("\n")).toEqual(["worker", "/home/worker"]);
  });

  it("watch (the API and `hal9000 watch --json`) saw ready → working → idle → working → waiting, then exited; NOTIFY_COMMAND ran", async () => {
    await hal.stop(name);
    const expected = ["ready", "working", "idle", "working", "waiting", "exited"];
    await waitFor("the API's watch to see the worker exit", () => apiSeen.some((c) => c.state === "exited"));
    const api = apiSeen.map((c) => c.state);
    expect(inOrder(api, expected), api.join(" → ")).toBe(true);
    const waiting = apiSeen.find((c) => c.state === "waiting");
    expect(waiting?.message).toMatch(/permission/i);

    const cliStates = await waitFor("`hal9000 watch --json` to print the exit", () => {
      const lines = cliWatchOut
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as AgentStateChange);
      return lines.some((l) => l.state === "exited") ? lines : undefined;
    });
    const states = cliStates.map((c) => c.state);
    expect(inOrder(states, expected), states.join(" → ")).toBe(true);
    expect(cliStates.every((c) => c.name === name)).toBe(true);
    console.log(`observed agent states of ${name}: ${api.join(" → ")}`);

    // NOTIFY_COMMAND ran for each turn that finished, for the permission prompt and for the exit.
    const notified = await waitFor("NOTIFY_COMMAND to run for the exit", async () => {
      const text = await readFile(notifyLog, "utf8").catch(() => "");
      return text.includes(`${name}|exited|`) ? text.trim().split("\n") : undefined;
    });
    const notifiedStates = notified.map((l) => l.split("|")[1] ?? "");
    expect(inOrder(notifiedStates, ["idle", "waiting", "exited"]), notified.join("\n")).toBe(true);
    expect(notifiedStates.every((s) => ["idle", "waiting", "done", "exited"].includes(s))).toBe(true);
    console.log(`NOTIFY_COMMAND ran with: ${notified.join(" ; ")}`);
    const waitingLine = notified.find((l) => l.startsWith(`${name}|waiting|`));
    expect(waitingLine).toMatch(/^[^|]+\|waiting\|[^|]*permission[^|]*\|waiting$/i);
    stopWatching.abort();
    await apiWatch;
  });
});

describe("send to a worker whose Claude session has not started", () => {
  let fleet: TestFleet;
  let project: TempHome;

  beforeAll(async () => {
    fleet = await testFleet();
    await fleet.hal.startParent();
    project = await tempDir();
    await chown(project.home, OWNER.uid, OWNER.gid);
  });

  afterAll(async () => {
    await fleet?.cleanup();
    await project?.remove();
  });

  it("waits for the session, and never answers the folder-trust dialog (WORKER_TRUST_WORKSPACE=false) for the user", async () => {
    const stub = await startStub(fleet.docker, fleet.parentName, { reply: "Hello there." });
    const untrusting = await fleet.open({ flags: { workerTrustWorkspace: false } });
    const name = uniqueName("hal9000-worker-untrusted");
    // Returned right after the start: Claude sits in its folder-trust dialog, its session not started.
    await untrusting.spawn({
      name,
      project: project.home,
      env: { ...stub.env, ANTHROPIC_API_KEY: "dummy-untrusted" },
      ready: false,
    });
    const err = await untrusting.send(name, "say hello", { timeoutMs: 8000 }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      `worker "${name}" has not started its Claude session after 8 s; nothing was sent`,
    );
    expect((err as { hint?: string }).hint).toContain(`hal9000 attach ${name}`);
    const [listed] = (await untrusting.list()).filter((w) => w.name === name);
    expect(listed?.agent).toMatchObject({ state: "starting" });
    const state = JSON.parse(
      await readFile(path.join(fleet.hal.layout.workers, name, ".claude.json"), "utf8"),
    );
    expect(state.projects?.["/workspace"]?.hasTrustDialogAccepted).not.toBe(true);
    expect(await stub.requests()).toEqual([]);
  });
});
