import { afterAll, describe, expect, test } from "vitest";
import { EXIT } from "../src/exit-codes.js";
import { called, cleanupHomes, cli, newWorld, worker } from "./harness.js";

afterAll(cleanupHomes);

const running = () => ({ name: "hal9000-parent", state: "running" as const, version: "0.1.0" });

describe("list / count", () => {
  test("list: a table of workers", async () => {
    const world = newWorld({
      parent: running(),
      workers: [
        worker("alpha"),
        worker("beta", {
          project: null,
          agent: {
            state: "waiting",
            since: null,
            lastTool: "Bash",
            message: "x",
            sessionId: null,
            exitCode: null,
          },
        }),
      ],
    });
    const r = await cli(["list"], { world });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+STATE\s+AGENT\s+AGE\s+IMAGE\s+PROJECT$/);
    expect(lines[1]).toMatch(
      /^alpha\s+running\s+working \(Edit\)\s+\S+\s+hal9000\/worker:latest\s+\/home\/me\/project$/,
    );
    expect(lines[2]).toMatch(/^beta\s+running\s+waiting\s+\S+\s+hal9000\/worker:latest\s+-$/);
    expect(r.stderr).toBe("");
  });

  test("list with no workers says so", async () => {
    const r = await cli(["list"]);
    expect(r).toMatchObject({ code: 0, stdout: "no workers\n" });
  });

  test("list --json: one document with the workers", async () => {
    const world = newWorld({ workers: [worker("alpha")] });
    const r = await cli(["list", "--json"], { world });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.parent).toBe("hal9000-parent");
    expect(doc.workers).toHaveLength(1);
    expect(doc.workers[0]).toMatchObject({ name: "alpha", state: "running", project: "/home/me/project" });
  });

  test("count prints the number of running workers", async () => {
    const world = newWorld({ workers: [worker("a"), worker("b"), worker("c", { state: "exited" })] });
    expect((await cli(["count"], { world })).stdout).toBe("2\n");
    const json = await cli(["count", "--json"], { world });
    expect(JSON.parse(json.stdout)).toEqual({ parent: "hal9000-parent", count: 2 });
  });
});

describe("stop / stop-all", () => {
  test("stop <name> stops that worker", async () => {
    const world = newWorld({ workers: [worker("alpha"), worker("beta")] });
    const r = await cli(["stop", "alpha"], { world });
    expect(r).toMatchObject({ code: 0, stdout: "stopped alpha\n", stderr: "" });
    expect(world.workers.map((w) => w.name)).toEqual(["beta"]);
    const json = await cli(["stop", "beta", "--json"], { world });
    expect(JSON.parse(json.stdout)).toEqual({ stopped: ["beta"], uncommitted: [] });
  });

  test("stop-all --yes stops every worker", async () => {
    const world = newWorld({ workers: [worker("alpha"), worker("beta")] });
    const r = await cli(["stop-all", "--yes"], { world });
    expect(r).toMatchObject({ code: 0, stdout: "stopped 2 workers: alpha, beta\n" });
    expect(world.workers).toEqual([]);
  });

  test("stop-all --json -y", async () => {
    const world = newWorld({ workers: [worker("alpha")] });
    const r = await cli(["stop-all", "-y", "--json"], { world });
    expect(JSON.parse(r.stdout)).toEqual({ stopped: ["alpha"], uncommitted: [] });
  });

  test("stop-all off a terminal without --yes: usage error, nothing stopped", async () => {
    const world = newWorld({ workers: [worker("alpha")] });
    const r = await cli(["stop-all"], { world, tty: false });
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stderr).toBe(
      "hal9000: stop-all needs confirmation and there is no terminal to ask on; nothing was changed\n  hint: pass --yes to confirm\n",
    );
    expect(world.workers).toHaveLength(1);
    expect(called(world, "stopAll")).toEqual([]);
  });

  test("stop-all on a terminal asks; y stops them", async () => {
    const world = newWorld({ workers: [worker("alpha"), worker("beta")] });
    const r = await cli(["stop-all"], { world, tty: true, answers: ["y"], env: { NO_COLOR: "1" } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("Stop all 2 workers of hal9000-parent? [y/N] ");
    expect(r.stdout).toBe("stopped 2 workers: alpha, beta\n");
    expect(world.workers).toEqual([]);
  });

  test("stop-all on a terminal: anything but yes cancels, exit 130, nothing stopped", async () => {
    const world = newWorld({ workers: [worker("alpha")] });
    const r = await cli(["stop-all"], { world, tty: true, answers: [""], env: { NO_COLOR: "1" } });
    expect(r.code).toBe(EXIT.CANCELLED);
    expect(r.stderr).toContain("hal9000: cancelled: stop-all not confirmed");
    expect(world.workers).toHaveLength(1);
  });

  test("stop-all on a terminal with no workers does not ask", async () => {
    const r = await cli(["stop-all"], { tty: true });
    expect(r).toMatchObject({ code: 0, stdout: "no workers to stop\n" });
  });
});

describe("logs / attach / status", () => {
  test("logs prints the worker's output as is", async () => {
    const world = newWorld({ workers: [worker("alpha")], logs: new Map([["alpha", "line 1\nline ✓ 2\n"]]) });
    const r = await cli(["logs", "alpha"], { world });
    expect(r).toMatchObject({ code: 0, stdout: "line 1\nline ✓ 2\n", stderr: "" });
    expect(called(world, "logs")).toEqual([["alpha", { follow: false, tail: undefined }]]);
  });

  test("logs with no output yet says why and how to see the screen, on stderr", async () => {
    const world = newWorld({ workers: [worker("alpha")], logs: new Map([["alpha", ""]]) });
    const r = await cli(["logs", "alpha"], { world });
    expect(r).toMatchObject({ code: 0, stdout: "" });
    expect(r.stderr).toBe(
      "hal9000: no output from alpha yet: Docker logs a terminal's output only once a line ends, and Claude's screen ends few lines; see it live with `hal9000 attach alpha` (detach: Ctrl-P Ctrl-Q)\n",
    );
    expect(JSON.parse((await cli(["logs", "alpha", "--json"], { world })).stdout)).toEqual({
      name: "alpha",
      lines: [],
    });
  });

  test("logs -f --tail 5 follows", async () => {
    const world = newWorld({ workers: [worker("alpha")], logs: new Map([["alpha", "x\n"]]) });
    const r = await cli(["logs", "alpha", "-f", "--tail", "5"], { world });
    expect(r.code).toBe(0);
    expect(called(world, "logs")).toEqual([["alpha", { follow: true, tail: 5 }]]);
  });

  test("logs --json: the lines in one document", async () => {
    const world = newWorld({ workers: [worker("alpha")], logs: new Map([["alpha", "one\ntwo\n"]]) });
    const r = await cli(["logs", "alpha", "--json"], { world });
    expect(JSON.parse(r.stdout)).toEqual({ name: "alpha", lines: ["one", "two"] });
  });

  test("logs of an unknown worker: not found, exit 1", async () => {
    const r = await cli(["logs", "ghost"]);
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stderr).toContain('hal9000: worker "ghost" not found');
  });

  test("attach hands the terminal over and exits with the shell's code", async () => {
    const world = newWorld({ workers: [worker("alpha")], interactiveExitCode: 3 });
    const r = await cli(["attach", "alpha"], { world });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("shell in alpha\n");
    expect(called(world, "attach")[0]?.[0]).toBe("alpha");
  });

  test("status: parent, workers with stats, records", async () => {
    const world = newWorld({ parent: running(), workers: [worker("alpha")] });
    const r = await cli(["status"], { world });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^parent hal9000-parent: running \(hal9000 0\.1\.0/);
    expect(lines[1]).toBe("workers: 1 running of 10 max");
    expect(lines[2]).toMatch(/^\s+NAME\s+STATE\s+AGENT\s+UPTIME\s+CPU\s+MEMORY\s+LIMITS\s+USER\s+PROJECT$/);
    expect(lines[3]).toMatch(
      /^\s+alpha\s+running\s+working \(Edit\)\s+2m05s\s+12\.5%\s+256 MB \/ 4\.0 GB\s+4\.0 GB, 2 CPU, 512 pids\s+1000:1000\s+\/home\/me\/project$/,
    );
    expect(lines[4]).toBe("sessions: 1 record");
  });

  test("status shows the MCP relay and each server's sessions and calls, or why it does not serve", async () => {
    const base = { configured: ["memory", "thinking"], socket: "/h/run/mcp-relay.sock" };
    const health = {
      pid: 4242,
      version: "0.1.0",
      socket: base.socket,
      startedAt: "2026-12-01T12:00:00.000Z",
      servers: [
        {
          name: "memory",
          command: "node m.js",
          sessions: 2,
          calls: 5,
          lastError: 'MCP server "memory" exited',
        },
        { name: "thinking", command: "node t.js", sessions: 1, calls: 1 },
      ],
      sessions: [],
    };
    const running = newWorld({ mcp: { ...base, state: "running", pid: 4242, health } });
    const up = (await cli(["status"], { world: running })).stdout.trimEnd().split("\n");
    expect(up.slice(-2)).toEqual([
      "MCP relay: running (pid 4242) — memory (2 sessions, 5 calls), thinking (1 session, 1 call)",
      '  memory: MCP server "memory" exited',
    ]);
    const stopped = newWorld({
      mcp: {
        ...base,
        state: "stopped",
        why: "the relay is not running on the host",
        hint: "hal9000 mcp relay -d",
      },
    });
    const down = (await cli(["status"], { world: stopped })).stdout.trimEnd().split("\n");
    expect(down.slice(-2)).toEqual([
      "MCP relay: stopped: the relay is not running on the host — memory, thinking",
      "  hint: hal9000 mcp relay -d",
    ]);
    const doc = JSON.parse((await cli(["status", "--json"], { world: stopped })).stdout);
    expect(doc.mcp).toMatchObject({ state: "stopped", configured: ["memory", "thinking"] });
  });

  test("status --json is the fleet status", async () => {
    const world = newWorld({ parent: running(), workers: [worker("alpha")] });
    const doc = JSON.parse((await cli(["status", "--json"], { world })).stdout);
    expect(doc.parent.state).toBe("running");
    expect(doc.workers[0]).toMatchObject({
      name: "alpha",
      cpuPercent: 12.5,
      memoryBytes: 256_000_000,
      limits: { memoryBytes: 4_000_000_000, cpus: 2, pidsLimit: 512 },
      user: "1000:1000",
    });
  });
});
