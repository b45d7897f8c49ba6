import { afterAll, describe, expect, test } from "vitest";
import { EXIT } from "../src/exit-codes.js";
import { called, cleanupHomes, cli, exitedAtOnce, newWorld } from "./harness.js";

afterAll(cleanupHomes);

const withParent = () => newWorld({ parent: { name: "hal9000-parent", state: "running" } });

describe("spawn (the seed's spawn-worker.sh)", () => {
  test("-d -n NAME project: a detached worker, and how to reach it", async () => {
    const world = withParent();
    const r = await cli(["spawn", "-d", "-n", "my-worker", "/path/to/project"], { world });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "spawned worker my-worker (hal9000/worker:latest, project /path/to/project)",
        "  attach: hal9000 attach my-worker",
        "  logs:   hal9000 logs -f my-worker",
        "  stop:   hal9000 stop my-worker",
        "",
      ].join("\n"),
    );
    expect(called(world, "spawn")).toEqual([
      [
        {
          name: "my-worker",
          detach: true,
          image: undefined,
          removeOnExit: undefined,
          project: "/path/to/project",
          env: undefined,
        },
      ],
    ]);
  });

  test("-d whose agent did not become ready in time: the report, then a warning with what to check", async () => {
    const world = newWorld({
      parent: { name: "hal9000-parent", state: "running" },
      spawnedAgentState: "starting",
    });
    const r = await cli(["spawn", "-d", "-n", "slow", "/p"], { world });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^spawned worker slow \(/);
    expect(r.stderr).toBe(
      [
        "warning: the agent in slow did not become ready within 30 s: it is running, but Claude's session has not started",
        "  see what it shows:  hal9000 logs slow   (or hal9000 attach slow)",
        "  wait for it:        hal9000 wait slow --until ready",
        "",
      ].join("\n"),
    );
    // --json: the one document on stdout says "starting"; the warning stays on stderr.
    const json = await cli(["spawn", "-d", "-n", "slow2", "/p", "--json"], { world });
    expect(JSON.parse(json.stdout).agent.state).toBe("starting");
    expect(json.stderr).toContain("hal9000 wait slow2 --until ready");
  });

  test("-d whose agent is ready: no warning", async () => {
    const world = newWorld({
      parent: { name: "hal9000-parent", state: "running" },
      spawnedAgentState: "ready",
    });
    const r = await cli(["spawn", "-d", "-n", "quick", "/p"], { world });
    expect(r).toMatchObject({ code: 0, stderr: "" });
  });

  test("long options, --no-rm, -i, -e (repeatable) and a relative project", async () => {
    const world = withParent();
    const r = await cli(
      [
        "spawn",
        "--detach",
        "--name",
        "w",
        "--image",
        "me/worker:1",
        "--no-rm",
        "-e",
        "A=1",
        "-e",
        "B=x=y",
        "proj",
      ],
      { world },
    );
    expect(r.code).toBe(0);
    expect(called(world, "spawn")[0]?.[0]).toEqual({
      name: "w",
      detach: true,
      image: "me/worker:1",
      removeOnExit: false,
      project: "proj",
      env: { A: "1", B: "x=y" },
    });
    // Relative paths are resolved by core, against the CLI's cwd.
    expect(world.opened[0]?.cwd).toBe("/home/me");
  });

  test("--rm keeps the default explicit; no project is allowed", async () => {
    const world = withParent();
    await cli(["spawn", "-d", "--rm"], { world });
    expect(called(world, "spawn")[0]?.[0]).toMatchObject({ removeOnExit: true, project: undefined });
  });

  test("without -d: interactive, exits with the worker's exit code", async () => {
    const world = newWorld({ parent: { name: "hal9000-parent", state: "running" }, interactiveExitCode: 42 });
    const r = await cli(["spawn", "/p"], { world, tty: true });
    expect(r.code).toBe(42);
    expect(r.stdout).toBe("claude> bye\n");
    expect(called(world, "runInteractive")[0]?.[0]).toMatchObject({ detach: false, project: "/p" });
    // The terminal shows an interactive worker's exit itself: no settle window.
    expect(called(world, "runInteractive")[0]?.[0]).not.toHaveProperty("settleMs");
    expect(called(world, "spawn")).toEqual([]);
  });

  test("--json with -d: the worker as one document", async () => {
    const world = withParent();
    const r = await cli(["spawn", "-d", "-n", "j", "--json"], { world });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: "j", state: "running", detached: true });
  });

  test("no parent: the core's error and hint", async () => {
    const r = await cli(["spawn", "-d", "/p"]);
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stderr).toBe(
      'hal9000: parent container "hal9000-parent" is not running\n  hint: start it with `hal9000 parent start` (or `hal9000 up`)\n',
    );
  });

  test("a name in use: conflict, exit 1", async () => {
    const world = withParent();
    await cli(["spawn", "-d", "-n", "dup"], { world });
    const r = await cli(["spawn", "-d", "-n", "dup"], { world });
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stderr).toContain('hal9000: a worker named "dup" already exists');
  });

  test("-d, and the worker exits at once: its exit code and last output, where the rest is; exit 1", async () => {
    const world = withParent();
    world.spawnFails = exitedAtOnce("w");
    const r = await cli(["spawn", "-d", "-n", "w", "/p"], { world });
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      [
        "hal9000: worker w exited right after starting (exit code 1): Unable to connect to Anthropic services | Failed to connect to api.anthropic.com: ENOTFOUND",
        "  hint: its whole output is in /home/me/.hal9000/logs/w.log; to watch it start, run `hal9000 spawn /p` (interactive), or `hal9000 spawn -d --no-rm /p` then `hal9000 logs <name>`",
        "",
      ].join("\n"),
    );
    expect(called(world, "spawn")[0]?.[0]).toMatchObject({ detach: true });
  });

  test("-d --json, and the worker exits at once: one error document", async () => {
    const world = withParent();
    world.spawnFails = exitedAtOnce("w");
    const r = await cli(["spawn", "-d", "-n", "w", "--json", "/p"], { world });
    expect(r.code).toBe(EXIT.FAILURE);
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        code: "WORKER_EXITED",
        message: expect.stringMatching(
          /^worker w exited right after starting \(exit code 1\): Unable to connect/,
        ),
        hint: expect.stringContaining("/home/me/.hal9000/logs/w.log"),
      },
    });
  });

  test("a flag given twice: the last one wins", async () => {
    const world = withParent();
    await cli(["spawn", "-d", "-n", "first", "-n", "second"], { world });
    expect(called(world, "spawn")[0]?.[0]).toMatchObject({ name: "second" });
  });
});

describe("spawn --branch [NAME] [--base REF]", () => {
  test("--branch DIR: the default branch on project DIR; --branch NAME DIR names it; --base passes through", async () => {
    const world = withParent();
    await cli(["spawn", "-d", "--branch", "/repo"], { world });
    await cli(["spawn", "-d", "--branch", "fix/login", "--base", "main", "/repo"], { world });
    await cli(["spawn", "-d", "/repo", "--branch"], { world });
    const calls = called(world, "spawn").map((c) => c[0]);
    expect(calls[0]).toMatchObject({ project: "/repo", branch: true });
    expect(calls[1]).toMatchObject({ project: "/repo", branch: "fix/login", base: "main" });
    expect(calls[2]).toMatchObject({ project: "/repo", branch: true });
  });

  test("--base without --branch, and --branch without a project: usage errors, nothing spawned", async () => {
    const world = withParent();
    const a = await cli(["spawn", "-d", "--base", "main", "/repo"], { world });
    expect(a.code).toBe(125);
    expect(a.stderr).toContain("--base only applies with --branch");
    const b = await cli(["spawn", "-d", "--branch"], { world });
    expect(b.code).toBe(125);
    expect(b.stderr).toContain("--branch needs a project directory");
    expect(called(world, "spawn")).toEqual([]);
  });
});
