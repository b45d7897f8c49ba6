/**
 * The `hal9000` binary against the real engine, from nothing: `up`, the fleet commands, the
 * parent's /scripts/*.sh (the seed's interface, via docker exec), the tmux dashboard and its
 * key bindings, and `volumes clean`. Each describe has its own parent; each test makes the
 * workers it needs and leaves none running, so tests run alone and in any order.
 */
import { spawn as spawnChild } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_BIN, type CliResult, cliEnv, hal9000, onTerminal, terminal } from "./cli-harness.js";
import {
  type AnthropicStub,
  cleanupFleet,
  execIn,
  startAnthropicStub,
  startStub,
  type TempHome,
  tempDir,
  uniqueName,
  waitFor,
} from "./helpers/index.js";

const docker = new Docker();

/**
 * One describe's own HAL9000_HOME, project and parent, so each describe (and each test in it)
 * runs alone and in any order. `up` (with the Anthropic stub on the parent's loopback) runs in
 * the describe's beforeAll unless `up: false`.
 */
function cliFleet(opts: { up?: boolean } = {}) {
  const f = {
    parentName: uniqueName("hal9000-clitest"),
    base: undefined as TempHome | undefined,
    home: "",
    project: "",
    env: {} as NodeJS.ProcessEnv,
    /** `-e KEY=VAL` for each stub setting: a worker with these stays up (Claude finds its API). */
    stubArgs: [] as string[],
    run: (args: string[]) => hal9000(args, f.env),
    inParent: (cmd: string[]) => execIn(docker, f.parentName, cmd),
    tmux: (...args: string[]) => f.inParent(["tmux", "-L", "hal9000", ...args]),
    workerName: (tag: string) => `${f.parentName}-${tag}`,
    listed: async () =>
      (json(await f.run(["list", "--json"])).workers as {
        name: string;
        state: string;
        project: string | null;
      }[]) ?? [],
    /**
     * Claude's first run checks api.anthropic.com: mark onboarding done in the worker's Claude
     * home, as a user's earlier session would. With that and the stub's settings (-e), a
     * detached worker's Claude stays up.
     */
    claudeReady: async (name: string): Promise<string> => {
      await mkdir(path.join(f.home, "workers", name), { recursive: true });
      await writeFile(
        path.join(f.home, "workers", name, ".claude.json"),
        JSON.stringify({ hasCompletedOnboarding: true }),
      );
      return name;
    },
  };
  beforeAll(async () => {
    f.base = await tempDir("hal9000-clitest-");
    f.home = path.join(f.base.home, "home");
    f.project = path.join(f.base.home, "project");
    await mkdir(f.project);
    await writeFile(path.join(f.project, "hello.txt"), "hello from the host\n");
    // Workers keep their container after exit, so one whose Claude cannot reach an API is still seen.
    f.env = cliEnv(f.home, f.parentName, { HAL9000_WORKER_REMOVE_ON_EXIT: "false" });
    if (opts.up === false) return;
    const up = await f.run(["up"]);
    expect(up.code, up.stderr).toBe(0);
    // The parent's entrypoint sets up the tmux dashboard after `up` returns.
    await waitFor(
      "the tmux dashboard",
      async () => (await f.tmux("has-session", "-t", "hal9000")).exitCode === 0,
    );
    const stub: AnthropicStub = await startAnthropicStub(docker, f.parentName);
    f.stubArgs = Object.entries(stub.env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  });
  afterAll(async () => {
    await cleanupFleet(docker, f.parentName);
    await f.base?.remove();
  });
  return f;
}

const json = (r: CliResult) => JSON.parse(r.stdout);

describe("hal9000 up", () => {
  describe("on a fresh home", () => {
    const f = cliFleet({ up: false });
    it("from nothing (images present): no build, HAL9000_HOME created, parent started", async () => {
      const r = await f.run(["up"]);
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout.trimEnd().split("\n");
      expect(lines[0]).toMatch(/^✓ Docker \S+ \(API 1\.\d+\) at unix:\/\/\/var\/run\/docker\.sock$/);
      expect(lines[1]).toBe("✓ images present: hal9000/parent:latest, hal9000/worker:latest");
      expect(lines[2]).toMatch(new RegExp(`^✓ HAL9000_HOME ${f.home} \\(created \\d+ entries\\)$`));
      expect(lines[3]).toMatch(
        new RegExp(`^✓ parent ${f.parentName}: running \\(image hal9000/parent:latest.*— started$`),
      );
      // No image was built: no build progress at all.
      expect(r.stderr).not.toContain("[parent]");
      expect(r.stderr).not.toContain("[worker]");
      const info = await docker.getContainer(f.parentName).inspect();
      expect(info.State.Running).toBe(true);
      expect(info.Config.Labels["hal9000.role"]).toBe("parent");
    });
  });

  describe("on a running parent", () => {
    const f = cliFleet();
    it("again: idempotent, reports the running parent; --json is one document", async () => {
      const r = await f.run(["up", "--json"]);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc).toMatchObject({
        images: { built: [] },
        home: { path: f.home, created: [] },
        parent: { name: f.parentName, state: "running" },
        parentStarted: false,
        worker: null,
      });
      expect(r.stderr).toContain("✓ Docker");
    });

    it("the parent's entrypoint ran the bundled CLI: hal9000 on PATH, the dashboard up", async () => {
      const version = await f.inParent(["hal9000", "--version"]);
      expect(version).toEqual({ exitCode: 0, output: (await f.run(["--version"])).stdout });
      await waitFor(
        "the tmux dashboard",
        async () => (await f.tmux("has-session", "-t", "hal9000")).exitCode === 0,
      );
    });
  });
});

describe("fleet commands", () => {
  const f = cliFleet();
  it("spawn -d -n NAME project, then list, count, status, logs", async () => {
    const name = await f.claudeReady(f.workerName("w1"));
    const r = await f.run(["spawn", "-d", "-n", name, ...f.stubArgs, f.project]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(
      `spawned worker ${name} (hal9000/worker:latest, project ${f.project})`,
    );
    expect(r.stdout).toContain(`  attach: hal9000 attach ${name}`);

    const list = await f.run(["list"]);
    expect(list.stdout).toMatch(
      new RegExp(`^${name}\\s+running\\s+ready\\s+\\S+\\s+hal9000/worker:latest\\s+${f.project}$`, "m"),
    );
    expect((await f.run(["count"])).stdout).toBe("1\n");
    expect(json(await f.run(["count", "--json"]))).toEqual({ parent: f.parentName, count: 1 });

    const status = await f.run(["status"]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`parent ${f.parentName}: running`);
    expect(status.stdout).toContain("workers: 1 running of 10 max");
    expect(status.stdout).toMatch(new RegExp(`^\\s+${name}\\s+running\\s`, "m"));
    const statusDoc = json(await f.run(["status", "--json"]));
    expect(statusDoc.workers.map((w: { name: string }) => w.name)).toEqual([name]);

    const logs = await f.run(["logs", name]);
    expect(logs.code).toBe(0);
    // Docker logs a TTY line by line: Claude's ready screen ends no line, so it may hold nothing
    // yet; then the user is told why and how to see the screen, instead of getting nothing.
    if (logs.stdout === "") expect(logs.stderr).toContain(`no output from ${name} yet`);
    else expect(logs.stderr).toBe("");
    expect((await f.run(["stop", name])).code).toBe(0);
  });

  it("shell <name> (and attach --shell) on a terminal: a shell in the worker; its exit code is hal9000's", async () => {
    const name = await f.claudeReady(f.workerName("attached"));
    expect((await f.run(["spawn", "-d", "-n", name, ...f.stubArgs, f.project])).code).toBe(0);
    const t = onTerminal(["shell", name], f.env);
    t.type("cat /workspace/hello.txt; exit 7\r");
    await t.expect("hello from the host");
    expect(await t.exit).toBe(7);
    const flag = onTerminal(["attach", "--shell", name], f.env);
    flag.type("whoami; exit 3\r");
    await flag.expect("worker");
    expect(await flag.exit).toBe(3);
    expect((await f.run(["stop", name])).code).toBe(0);
  });

  it("spawn without -d: Claude on this terminal; hal9000 exits with the worker's exit code", async () => {
    const name = await f.claudeReady(f.workerName("interactive"));
    const t = onTerminal(["spawn", "-n", name, ...f.stubArgs, f.project], f.env);
    // /workspace is trusted already: Claude's session starts (its hook says ready); Ctrl-C twice quits it.
    const stateFile = path.join(f.home, "workers", name, ".hal9000", "state.json");
    await waitFor("Claude's session to start", async () =>
      (await readFile(stateFile, "utf8").catch(() => "")).includes('"state":"ready"'),
    );
    t.type("\u0003\u0003");
    const code = await t.exit;
    const info = await docker.getContainer(name).inspect();
    expect(info.State.Running).toBe(false);
    expect(code).toBe(info.State.ExitCode);
    // Kept (WORKER_REMOVE_ON_EXIT=false): removed here, so the describe's other tests see only their own workers.
    await docker.getContainer(name).remove({ force: true });
  });

  it("stop <name>; stop of an unknown worker fails with a hint", async () => {
    const name = await f.claudeReady(f.workerName("stopped"));
    expect((await f.run(["spawn", "-d", "-n", name, ...f.stubArgs, f.project])).code).toBe(0);
    const r = await f.run(["stop", name]);
    expect(r).toMatchObject({ code: 0, stdout: `stopped ${name}\n` });
    expect((await f.listed()).filter((w) => w.state === "running")).toEqual([]);
    const ghost = await f.run(["stop", f.workerName("ghost")]);
    expect(ghost.code).toBe(125);
    expect(ghost.stderr).toMatch(/^hal9000: .*ghost.*\n {2}hint: .*hal9000 list/);
  });

  it("stop-all needs --yes off a terminal; with it, every worker stops", async () => {
    for (const tag of ["a", "b"]) {
      expect(
        (await f.run(["spawn", "-d", "-n", await f.claudeReady(f.workerName(tag)), ...f.stubArgs])).code,
      ).toBe(0);
    }
    const refused = await f.run(["stop-all"]);
    expect(refused.code).toBe(125);
    expect(refused.stderr).toContain("hint: pass --yes to confirm");
    expect((await f.run(["count"])).stdout).toBe("2\n");
    const r = await f.run(["stop-all", "--yes", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).stopped.sort()).toEqual([f.workerName("a"), f.workerName("b")]);
    expect((await f.run(["count"])).stdout).toBe("0\n");
  });

  it("usage errors and an unreachable Docker, as the binary prints them", async () => {
    const unknown = await f.run(["lst"]);
    expect(unknown).toEqual({
      code: 125,
      signal: null,
      stdout: "",
      stderr:
        'hal9000: unknown command "lst"\n  hint: did you mean `hal9000 list`? run `hal9000 --help` to see the commands\n',
    });
    const noDocker = await hal9000(["list", "--json"], {
      ...f.env,
      DOCKER_HOST: "unix:///nonexistent/docker.sock",
    });
    expect(noDocker.code).toBe(125);
    expect(JSON.parse(noDocker.stdout).error.code).toBe("DOCKER_UNAVAILABLE");
    expect(noDocker.stderr.split("\n")[0]).toBe(
      "hal9000: Cannot connect to Docker daemon: no socket at unix:///nonexistent/docker.sock",
    );
  });
});

describe("the parent's scripts (the seed's interface)", () => {
  const f = cliFleet();
  it("spawn-worker.sh -d -n NAME <host path>: the worker sees the host's files", async () => {
    const name = await f.claudeReady(f.workerName("script"));
    const r = await f.inParent(["/scripts/spawn-worker.sh", "-d", "-n", name, ...f.stubArgs, f.project]);
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).toContain(`spawned worker ${name}`);
    const seen = await execIn(docker, name, ["cat", "/workspace/hello.txt"]);
    expect(seen).toEqual({ exitCode: 0, output: "hello from the host\n" });
    const w = (await f.listed()).find((x) => x.name === name);
    expect(w).toMatchObject({ state: "running", project: f.project });
    expect((await f.run(["stop", name])).code).toBe(0);
  });

  it("coordinator.sh list|count|status|logs|stop|stop-all, and a usage message", async () => {
    const name = await f.claudeReady(f.workerName("script2"));
    expect((await f.inParent(["/scripts/spawn-worker.sh", "-d", "-n", name, ...f.stubArgs])).exitCode).toBe(
      0,
    );
    const list = await f.inParent(["/scripts/coordinator.sh", "list"]);
    expect(list.exitCode).toBe(0);
    expect(list.output).toMatch(new RegExp(`^${name}\\s+running`, "m"));
    expect(await f.inParent(["/scripts/coordinator.sh", "count"])).toEqual({ exitCode: 0, output: "1\n" });
    const status = await f.inParent(["/scripts/coordinator.sh", "status"]);
    expect(status.output).toContain(`parent ${f.parentName}: running`);
    const logs = await f.inParent(["/scripts/coordinator.sh", "logs", name]);
    expect(logs.exitCode).toBe(0);
    const unknown = await f.inParent(["/scripts/coordinator.sh", "frobnicate"]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.output).toContain("coordinator.sh: unknown command: frobnicate");
    expect(unknown.output).toContain("Usage: coordinator.sh <command> [args]");
    const bare = await f.inParent(["/scripts/coordinator.sh"]);
    expect(bare.exitCode).toBe(2);

    const s2 = await f.claudeReady(f.workerName("s2"));
    expect((await f.inParent(["/scripts/spawn-worker.sh", "-d", "-n", s2, ...f.stubArgs])).exitCode).toBe(0);
    const stop = await f.inParent(["/scripts/coordinator.sh", "stop", name]);
    expect(stop).toEqual({ exitCode: 0, output: `stopped ${name}\n` });
    // The seed calls stop-all without flags: the script confirms for it.
    const stopAll = await f.inParent(["/scripts/coordinator.sh", "stop-all"]);
    expect(stopAll).toEqual({ exitCode: 0, output: `stopped 1 worker: ${f.workerName("s2")}\n` });
  }, 300_000); // two Claude workers and a dozen execs in the parent: minutes on a loaded machine

  it("init-volumes.sh --status, --clean and a bad option", async () => {
    const st = await f.inParent(["/scripts/init-volumes.sh", "--status"]);
    expect(st.exitCode).toBe(0);
    // Inside the parent, HAL9000_HOME is the mount at /root/.hal9000.
    expect(st.output.split("\n")[0]).toBe("HAL9000_HOME /root/.hal9000: ok");
    const again = await f.inParent(["/scripts/init-volumes.sh"]);
    expect(again).toEqual({ exitCode: 0, output: "HAL9000_HOME /root/.hal9000 is already initialized\n" });
    // --clean: the script's caller has confirmed; clean, then initialize again.
    const clean = await f.inParent(["/scripts/init-volumes.sh", "--clean"]);
    expect(clean.exitCode, clean.output).toBe(0);
    expect(clean.output).toContain("cleaned /root/.hal9000\n");
    expect(clean.output).toContain("initialized HAL9000_HOME /root/.hal9000\n");
    const bad = await f.inParent(["/scripts/init-volumes.sh", "--bogus"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.output).toContain("init-volumes.sh: unknown option: --bogus");
  });
});

describe("the tmux dashboard", () => {
  const f = cliFleet();
  it("has the session, three panes that show the workers, and the four bindings", async () => {
    const panes = await f.tmux("list-panes", "-t", "hal9000", "-F", "#{pane_index}");
    expect(panes).toEqual({ exitCode: 0, output: "0\n1\n2\n" });
    const name = await f.claudeReady(f.workerName("dash"));
    expect((await f.run(["spawn", "-d", "-n", name, ...f.stubArgs])).code).toBe(0);
    // .1 lists workers, .2 shows their live stats; both refresh by themselves.
    for (const pane of ["1", "2"]) {
      await waitFor(`pane .${pane} to show ${name}`, async () => {
        const cap = await f.tmux("capture-pane", "-p", "-t", `hal9000:0.${pane}`);
        return new RegExp(`${name}\\s+running`).test(cap.output);
      });
    }
    const coordinator = await f.tmux("capture-pane", "-p", "-t", "hal9000:0.0");
    expect(coordinator.output).toContain(`parent ${f.parentName}: running`);

    const keys = (await f.tmux("list-keys", "-T", "prefix")).output;
    expect(keys).toMatch(/-T prefix\s+w\s+command-prompt .*hal9000 spawn -d/);
    expect(keys).toMatch(/-T prefix\s+s\s+run-shell "hal9000 status/);
    expect(keys).toMatch(/-T prefix\s+l\s+run-shell "hal9000 list/);
    expect(keys).toMatch(/-T prefix\s+S\s+confirm-before .*hal9000 stop-all --yes/);
    const base = await f.tmux("show-options", "-g", "pane-base-index");
    expect(base.output).toBe("pane-base-index 0\n");
  });

  it("the worker panes show each worker's agent state, redrawn when it changes (no Docker event then)", async () => {
    // A turn that takes a while: the Docker events of `send` (its attach) are long past when
    // the agent turns idle, so only the agent's own state can make the pane redraw.
    const slow = await startStub(docker, f.parentName, {
      reply: "Done, slowly.",
      rules: [{ match: "take your time", delayMs: 8000 }],
    });
    const slowArgs = Object.entries({ ...slow.env, ANTHROPIC_API_KEY: "dummy" }).flatMap(([k, v]) => [
      "-e",
      `${k}=${v}`,
    ]);
    const name = await f.claudeReady(f.workerName("dash-agent"));
    expect((await f.run(["spawn", "-d", "-n", name, ...slowArgs])).code).toBe(0);
    const paneShows = (pane: string, state: string) =>
      waitFor(`pane .${pane} to show ${name} ${state}`, async () => {
        const cap = await f.tmux("capture-pane", "-p", "-J", "-t", `hal9000:0.${pane}`);
        return new RegExp(`${name}\\s+running\\s+${state}\\b`).test(cap.output);
      });
    await paneShows("1", "ready");
    // The same pane, run on the host: reading its output makes no Docker event (a capture-pane
    // in the parent is a docker exec, which alone would make the pane redraw).
    const pane = spawnChild(process.execPath, [CLI_BIN, "dashboard", "workers"], {
      env: f.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let frames = "";
    pane.stdout?.on("data", (c: Buffer) => {
      frames += c.toString();
    });
    const lastFrame = () => frames.slice(frames.lastIndexOf("\x1b[2J"));
    try {
      await waitFor("the host pane to show the worker ready", () =>
        new RegExp(`${name}\\s+running\\s+ready\\b`).test(lastFrame()),
      );
      const sent = await f.run(["send", name, "take your time"]);
      expect(sent.code, sent.stderr).toBe(0);
      const idle = await f.run(["wait", name, "--until", "idle", "--timeout", "60s"]);
      expect(idle.code, idle.stderr).toBe(0);
      await waitFor("the host pane to redraw with the worker idle", () =>
        new RegExp(`${name}\\s+running\\s+idle\\b`).test(lastFrame()),
      );
    } finally {
      pane.kill("SIGTERM");
    }
    await paneShows("1", "idle");
    expect((await f.run(["stop", name])).code).toBe(0);
  });

  it("idle, starts no process: its panes are long-lived and redraw on changes", async () => {
    // The three pane processes (`hal9000 dashboard <pane>`), as "pid seconds-alive pane".
    const paneProcesses = async () =>
      (await f.inParent(["ps", "-eo", "pid=,etimes=,args="])).output.split("\n").flatMap((l) => {
        const m = /^\s*(\d+)\s+(\d+)\s+\S*node \S+ dashboard (\w+)$/.exec(l);
        return m ? [{ pid: m[1], alive: Number(m[2]), pane: m[3] }] : [];
      });
    // Past their start-up (a pane that stops is started again after 5 s by its shell loop).
    const before = await waitFor("the three pane processes, running for 6 s", async () => {
      const ps = await paneProcesses();
      return ps.length === 3 && ps.every((p) => p.alive >= 6) ? ps : undefined;
    });
    expect(before.map((p) => p.pane).sort()).toEqual(["coordinator", "status", "workers"]);
    // Counted from inside one shell, so docker exec's own PIDs (runc joining the namespace, a
    // varying few) fall outside the window: the shell's `sleep` and second `cat` take exactly two.
    // A CLI process takes seven (Node and its threads): the old panes, refreshing every 5 s, would
    // take dozens; a few spare allow for a thread a long-lived process starts lazily.
    const window = await f.inParent([
      "sh",
      "-c",
      "a=$(cat /proc/sys/kernel/ns_last_pid); sleep 12; b=$(cat /proc/sys/kernel/ns_last_pid); echo $((b - a - 2))",
    ]);
    expect(window.exitCode, window.output).toBe(0);
    expect(Number(window.output)).toBeLessThanOrEqual(4);
    expect((await paneProcesses()).map((p) => p.pid)).toEqual(before.map((p) => p.pid));
  });

  it("setup-dashboard.sh again keeps the session (idempotent)", async () => {
    const before = await f.tmux("display-message", "-p", "-t", "hal9000", "#{session_created}");
    const r = await f.inParent(["/scripts/setup-dashboard.sh"]);
    expect(r.exitCode).toBe(0);
    expect(r.output).toContain("already running");
    expect(await f.tmux("display-message", "-p", "-t", "hal9000", "#{session_created}")).toEqual(before);
  });

  it("the bindings work as a person uses them: prefix+l, prefix+w spawns, prefix+S stops all", async () => {
    const listedName = await f.claudeReady(f.workerName("dash2"));
    expect((await f.run(["spawn", "-d", "-n", listedName, ...f.stubArgs])).code).toBe(0);
    const term = await terminal(docker, f.parentName, ["tmux", "-L", "hal9000", "attach", "-t", "hal9000"]);
    const mode = async () =>
      (await f.tmux("display-message", "-p", "-t", "hal9000", "#{pane_mode}")).output.trim();
    const closeView = async () => {
      await waitFor("the command's output", async () => (await mode()) === "view-mode");
      term.type("q");
      await waitFor("the output to close", async () => (await mode()) === "");
    };
    try {
      await waitFor("the client to attach", async () =>
        (await f.tmux("list-clients")).output.includes("hal9000"),
      );
      term.type("\u0002l");
      await term.expect(listedName);
      await closeView();

      // prefix + w: the prompt asks for a host project path, then `hal9000 spawn -d` runs in the parent.
      term.type("\u0002w");
      await term.expect("spawn worker on project");
      term.type(`${f.project}\r`);
      // Named by hal9000 (the prompt asks only for the project). Its Claude has no onboarding
      // done and exits (spawn -d says so in the view), but WORKER_REMOVE_ON_EXIT=false keeps it listed.
      const spawned = await waitFor(
        "a worker on the project, spawned by the binding",
        async () =>
          (await f.listed()).find((w) => w.project === f.project && !w.name.startsWith(f.parentName)),
        { timeoutMs: 90_000 },
      );
      expect(spawned.name).toMatch(/^hal9000-worker-/);
      await closeView();

      term.type("\u0002S");
      await term.expect("Stop all workers?");
      term.type("y");
      await waitFor("stop-all by the binding", async () => (await f.run(["count"])).stdout === "0\n");
    } finally {
      term.type("\u0002d");
      await term.close();
    }
  });
});

describe("hal9000 dashboard", () => {
  const f = cliFleet();
  it("on a terminal: attaches to the parent's tmux dashboard; prefix+d detaches, exit 0", async () => {
    const clients = async () => (await f.tmux("list-clients", "-F", "#{session_name}")).output;
    await waitFor("no tmux client attached", async () => (await clients()) === "");
    const t = onTerminal(["dashboard"], f.env);
    try {
      await waitFor(
        "hal9000 dashboard to attach a tmux client",
        async () => (await clients()) === "hal9000\n",
      );
      t.type("\u0002d");
      await t.expect("[detached (from session hal9000)]");
      expect(await t.exit).toBe(0);
    } finally {
      t.type("\u0002d");
    }
  });
});

describe("hal9000 volumes clean", () => {
  const f = cliFleet();
  it("refuses off a terminal without --yes; with --yes removes hal9000's entries", async () => {
    expect((await f.run(["parent", "stop"])).code).toBe(0);
    const refused = await f.run(["volumes", "clean"]);
    expect(refused.code).toBe(125);
    const st = json(await f.run(["volumes", "status", "--json"]));
    expect(st.exists).toBe(true);
    const r = await f.run(["volumes", "clean", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(`cleaned ${f.home}`);
    expect(r.stdout).toContain(`  removed ${path.join(f.home, "sessions")}`);
    const after = json(await f.run(["volumes", "status", "--json"]));
    expect(after.dirs.find((d: { name: string }) => d.name === "sessions").exists).toBe(false);
  });
});
