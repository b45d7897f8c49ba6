import { afterAll, describe, expect, test } from "vitest";
import { DASHBOARD_COMMAND } from "../src/commands/dashboard.js";
import { EXIT } from "../src/exit-codes.js";
import { called, cleanupHomes, cli, newWorld, worker } from "./harness.js";

afterAll(cleanupHomes);

describe("dashboard", () => {
  test("execs tmux attach in the parent via core, exit code passed through", async () => {
    const world = newWorld({ parent: { name: "hal9000-parent", state: "running" }, interactiveExitCode: 0 });
    const r = await cli(["dashboard"], { world, tty: true });
    expect(r.code).toBe(0);
    expect(called(world, "execInParent")[0]?.[0]).toEqual(DASHBOARD_COMMAND);
    expect(DASHBOARD_COMMAND.join(" ")).toContain("tmux -L hal9000 attach-session -t hal9000");
  });

  test("no parent: the core's error", async () => {
    const r = await cli(["dashboard"]);
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stderr).toContain('hal9000: parent container "hal9000-parent" is not running');
  });
});

describe("dashboard <pane>", () => {
  test("workers: one long-lived process that redraws the list on every change, until its signal", async () => {
    const world = newWorld({ workers: [worker("w1")] });
    const r = await cli(["dashboard", "workers"], { world });
    expect(r.code).toBe(0);
    expect(called(world, "watchFleet")).toHaveLength(1);
    // Drawn twice (start, one change), each a full-screen redraw of the list.
    const frames = r.stdout.split("\x1b[H\x1b[2J").filter(Boolean);
    expect(frames).toHaveLength(2);
    for (const f of frames) expect(f).toMatch(/w1\s+running/);
  });

  test("status shows the fleet; an unknown pane is a usage error", async () => {
    const world = newWorld({
      parent: { name: "hal9000-parent", state: "running" },
      workers: [worker("w2")],
    });
    const r = await cli(["dashboard", "status"], { world });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("workers: 1 running");
    const bad = await cli(["dashboard", "bogus"]);
    expect(bad.code).toBe(125);
    expect(bad.stderr).toContain("bogus");
  });
});

describe("coordinator", () => {
  test("hidden from help, runs until its signal aborts", async () => {
    const world = newWorld();
    const r = await cli(["coordinator"], { world });
    expect(r.code).toBe(0);
    expect(world.coordinatorStopped).toBe(true);
    const [opts] = called(world, "runCoordinator")[0] ?? [];
    expect((opts as { signal: AbortSignal }).signal.aborted).toBe(true);
  });
});

describe("completion", () => {
  test("prints a bash completion script", async () => {
    const r = await cli(["completion"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("###-begin-hal9000-completions-###");
    expect(r.stdout).toContain("hal9000 --get-yargs-completions");
  });

  test("completes command names", async () => {
    const r = await cli(["--get-yargs-completions", "hal9000", "st"]);
    expect(r.stdout.split("\n")).toEqual(expect.arrayContaining(["stop", "stop-all", "status"]));
    expect(r.stdout).not.toContain("coordinator");
  });

  test("completes worker names for stop, logs and attach", async () => {
    const world = newWorld({ workers: [worker("alpha"), worker("beta"), worker("alpine")] });
    for (const cmd of ["stop", "logs", "attach"]) {
      const r = await cli(["--get-yargs-completions", "hal9000", cmd, "al"], { world });
      expect(r.code).toBe(0);
      expect(r.stdout.trim().split("\n").sort()).toEqual(["alpha", "alpine"]);
    }
  });

  test("no worker names (and no error) when Docker is down", async () => {
    const r = await cli(["--get-yargs-completions", "hal9000", "stop", ""], {
      world: newWorld({ dockerUp: false }),
    });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("");
    expect(r.stderr).toBe("");
  });
});
