import { existsSync } from "node:fs";
import { afterAll, describe, expect, test } from "vitest";
import { EXIT } from "../src/exit-codes.js";
import { called, cleanupHomes, cli, exitedAtOnce, newWorld } from "./harness.js";

afterAll(cleanupHomes);

/** A worker needs a credential: `up` with a project checks for one before anything else. */
const withKey = { env: { ANTHROPIC_API_KEY: "sk-ant-api03-test" } };

describe("up", () => {
  test("from nothing with the images present: no build, home created, parent started, worker spawned", async () => {
    const world = newWorld();
    const r = await cli(["up", "-n", "w1", "/code/app"], { world, ...withKey });
    expect(r.code).toBe(0);
    expect(world.builds).toEqual([]);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("✓ Docker 20.10.24 (API 1.41) at unix:///var/run/docker.sock");
    expect(lines[1]).toBe("✓ images present: hal9000/parent:latest, hal9000/worker:latest");
    expect(lines[2]).toMatch(/^✓ HAL9000_HOME \/.+ \(created \d+ entries\)$/);
    expect(lines[3]).toMatch(/^✓ parent hal9000-parent: running \(.*\) — started$/);
    expect(lines[4]).toBe("✓ spawned worker w1 (hal9000/worker:latest, project /code/app)");
    expect(r.stdout).toContain("  attach: hal9000 attach w1");
    expect(existsSync(`${r.home}/config/hal9000.conf`)).toBe(true);
    expect(called(world, "spawn")[0]?.[0]).toMatchObject({
      name: "w1",
      detach: true,
      project: "/code/app",
    });
    // Docker first, then the rest.
    expect(world.calls[0]?.method).toBe("ping");
  });

  test("the worker's agent not ready in time: spawned, then the warning on stderr", async () => {
    const world = newWorld({ spawnedAgentState: "starting" });
    const r = await cli(["up", "-n", "w1", "/code/app"], { world, ...withKey });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ spawned worker w1 (hal9000/worker:latest, project /code/app)");
    expect(r.stderr).toContain("warning: the agent in w1 did not become ready within 30 s");
    expect(r.stderr).toContain("  see what it shows:  hal9000 logs w1");
  });

  test("again: nothing to do, parent already running, no project no worker", async () => {
    const world = newWorld();
    const first = await cli(["up"], { world });
    const r = await cli(["up"], { world, home: first.home });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✓ HAL9000_HOME ${first.home}\n`);
    expect(r.stdout).toMatch(/✓ parent hal9000-parent: running \([^\n]*\)\n/);
    expect(r.stdout).not.toContain("— started");
    expect(r.stdout).toContain("ready: spawn a worker with `hal9000 spawn -d <project_dir>`");
    expect(called(world, "spawn")).toEqual([]);
  });

  test("builds only the missing images, with progress on stderr", async () => {
    const world = newWorld({ images: new Map([["hal9000/parent:latest", "0.1.0"]]) });
    const r = await cli(["up"], { world });
    expect(r.code).toBe(0);
    expect(world.builds).toHaveLength(1);
    expect(world.builds[0]?.targets).toEqual(["worker"]);
    expect(world.builds[0]?.cliBundle).toBeUndefined();
    expect(r.stdout).toContain("… building hal9000/worker:latest");
    expect(r.stdout).toMatch(/✓ built hal9000\/worker:latest in \d+s/);
    expect(r.stdout).toContain("✓ images present: hal9000/parent:latest");
    expect(r.stderr).toContain("[worker] built hal9000/worker:latest");
  });

  test("the parent image missing: built with the CLI bundle", async () => {
    const world = newWorld({ images: new Map([["hal9000/worker:latest", "0.1.0"]]) });
    await cli(["up"], { world });
    expect(world.builds[0]).toMatchObject({
      targets: ["parent"],
      cliBundle: "/fake/dist/bundle/hal9000.cjs",
    });
  });

  test("config images: a custom worker image is built under its tag", async () => {
    const world = newWorld();
    await cli(["up", "--worker-image", "me/claude:dev"], { world });
    expect(world.builds[0]?.targets).toEqual(["worker"]);
    expect(world.builds[0]?.tags).toMatchObject({ worker: "me/claude:dev", parent: "hal9000/parent:latest" });
  });

  test("an image from another hal9000 version: a warning, not a rebuild", async () => {
    const world = newWorld({
      images: new Map([
        ["hal9000/parent:latest", "0.0.9"],
        ["hal9000/worker:latest", "0.1.0"],
      ]),
    });
    const r = await cli(["up"], { world });
    expect(r.code).toBe(0);
    expect(world.builds).toEqual([]);
    expect(r.stderr).toContain(
      "warning: hal9000/parent:latest was built by hal9000 0.0.9, this is 0.1.0; rebuild with `hal9000 build parent`",
    );
  });

  test("Docker absent: a clear error before anything else happens", async () => {
    const world = newWorld({ dockerUp: false });
    const r = await cli(["up", "/p"], { world });
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stderr).toMatch(/^hal9000: Cannot connect to Docker daemon/);
    expect(r.stdout).toBe("");
    expect(existsSync(r.home)).toBe(false);
  });

  test("the worker exits at once: what was done, then its exit and output instead of `spawned`; exit 1", async () => {
    const world = newWorld({ spawnFails: exitedAtOnce("w1") });
    const r = await cli(["up", "-n", "w1", "/p"], { world, ...withKey });
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stdout).toMatch(/^✓ parent hal9000-parent: running \(.*\) — started$/m);
    expect(r.stdout).not.toContain("spawned");
    expect(r.stdout).not.toContain("attach");
    expect(r.stderr).toMatch(
      /^hal9000: worker w1 exited right after starting \(exit code 1\): Unable to connect to Anthropic services \| Failed to connect to api\.anthropic\.com: ENOTFOUND\n {2}hint: its whole output is in \/home\/me\/\.hal9000\/logs\/w1\.log; /m,
    );
  });

  test("--json, and the worker exits at once: one error document, no report", async () => {
    const world = newWorld({ spawnFails: exitedAtOnce("w1") });
    const r = await cli(["up", "-n", "w1", "/p", "--json"], { world, ...withKey });
    expect(r.code).toBe(EXIT.FAILURE);
    const doc = JSON.parse(r.stdout);
    expect(doc).toEqual({ error: expect.objectContaining({ code: "WORKER_EXITED" }) });
    expect(doc.error.message).toContain("(exit code 1)");
  });

  test("--json: one document, the human lines on stderr", async () => {
    const world = newWorld();
    const r = await cli(["up", "/p", "--json"], { world, ...withKey });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      docker: { version: "20.10.24" },
      images: { present: ["hal9000/parent:latest", "hal9000/worker:latest"], built: [] },
      parent: { state: "running" },
      parentStarted: true,
      worker: { project: "/p", detached: true },
    });
    expect(doc.home.created.length).toBeGreaterThan(0);
    expect(r.stderr).toContain("✓ Docker 20.10.24");
  });

  test("no credential anywhere: says so and how to give one, before anything is built or started", async () => {
    const world = newWorld({ images: new Map() });
    const r = await cli(["up", "-n", "w1", "/code/app"], { world });
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stderr).toMatch(/^hal9000: no Anthropic credential for the worker: nothing was started\n/m);
    expect(r.stderr).toContain("hal9000 auth set");
    expect(r.stderr).toContain("claude setup-token");
    // Docker was asked (it comes first), nothing else: no build, no home, no parent, no worker.
    expect(world.calls.map((c) => c.method)).toEqual(["ping"]);
    expect(world.builds).toEqual([]);
    expect(existsSync(r.home)).toBe(false);
    const doc = JSON.parse((await cli(["up", "/code/app", "--json"], { world })).stdout);
    expect(doc.error.code).toBe("NO_CREDENTIAL");
  });

  test("a credential from the environment, or stored with `auth set`, lets it go on", async () => {
    const stored = await cli(["auth", "set"], { stdin: "sk-ant-api03-stored\n" });
    expect(stored.code).toBe(0);
    const world = newWorld();
    const r = await cli(["up", "-n", "w1", "/code/app"], { world, home: stored.home });
    expect(r.code, r.stderr).toBe(0);
    expect(called(world, "spawn")).toHaveLength(1);
    // Without a project, no worker: no credential needed.
    expect((await cli(["up"], { world: newWorld() })).code).toBe(0);
  });
});
