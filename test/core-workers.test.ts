import { chmod, chown, mkdir, readdir, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import {
  ConflictError,
  Hal9000,
  InvalidInputError,
  LimitReachedError,
  NotFoundError,
  ParentNotRunningError,
} from "@hal9000/core";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testContainer } from "./helpers/containers.js";
import {
  type AnthropicStub,
  execDetached,
  execIn,
  execInSplit,
  readAll,
  startAnthropicStub,
  type TempHome,
  type TestFleet,
  tempDir,
  testEnv,
  testFleet,
  uniqueName,
  waitFor,
} from "./helpers/index.js";

const SLEEP = ["sleep", "infinity"];

let fleet: TestFleet;
let hal: Hal9000;
let project: TempHome;
let stub: AnthropicStub;

beforeAll(async () => {
  fleet = await testFleet();
  hal = fleet.hal;
  project = await tempDir("hal9000-test-project-");
  await hal.startParent();
  // Interactive claude exits when it cannot reach the API; this machine has no internet.
  stub = await startAnthropicStub(fleet.docker, fleet.parentName);
});

afterAll(async () => {
  await fleet?.cleanup();
  await project?.remove();
});

/** Everything hal9000 made for a worker name: container, session record, Claude home. */
async function leftoversIn(f: TestFleet, name: string) {
  const containers = await f.docker.listContainers({ all: true, filters: { name: [name] } });
  const records = (await f.hal.sessions.list()).records.filter((r) => r.name === name);
  const homes = (await readdir(f.hal.layout.workers).catch(() => [] as string[])).filter((d) => d === name);
  return {
    containers: containers.filter((c) => c.Names.includes(`/${name}`)).length,
    records: records.length,
    homes: homes.length,
  };
}

const leftovers = (name: string) => leftoversIn(fleet, name);
const nothing = { containers: 0, records: 0, homes: 0 };

/**
 * A test that counts every worker, stops them all or stops the parent gets a parent of its
 * own, so it neither depends on nor disturbs what the file's other tests made.
 */
async function withOwnParent(test: (own: TestFleet) => Promise<void>): Promise<void> {
  const own = await testFleet();
  try {
    await own.hal.startParent();
    await test(own);
  } finally {
    await own.cleanup();
  }
}

describe("spawning (seed: spawn-worker.sh)", () => {
  /** A running worker for the tests that look inside one. */
  let running: string;
  beforeAll(async () => {
    running = (await hal.spawn({ command: SLEEP })).name;
  });

  it("spawns a detached worker: claude in a TTY that keeps running", async () => {
    // Claude's first-run onboarding checks api.anthropic.com, which this machine cannot reach:
    // mark it done in the worker's Claude home (its ~/.claude.json), as a user's earlier session would.
    const name = uniqueName("hal9000-worker-claude");
    await mkdir(path.join(hal.layout.workers, name), { recursive: true });
    await writeFile(
      path.join(hal.layout.workers, name, ".claude.json"),
      JSON.stringify({ hasCompletedOnboarding: true }),
    );
    const w = await hal.spawn({ name, detach: true, env: stub.env });
    expect(w).toMatchObject({
      name,
      state: "running",
      parent: fleet.parentName,
      image: "hal9000/worker:latest",
      project: null,
      detached: true,
      removeOnExit: true,
    });
    const info = await fleet.docker.getContainer(w.name).inspect();
    expect(info.Config).toMatchObject({ Tty: true, OpenStdin: true, Cmd: ["claude"] });
    const parentId = (await hal.parentStatus()).id;
    expect(info.HostConfig).toMatchObject({ NetworkMode: `container:${parentId}`, AutoRemove: true });
    expect(info.Config.Labels).toMatchObject({
      "hal9000.role": "worker",
      "hal9000.parent": fleet.parentName,
      "hal9000.detached": "true",
      "hal9000.remove-on-exit": "true",
      "hal9000.version": expect.any(String),
    });
    const home = path.join(fleet.home.home, "workers", w.name);
    // The stub's ANTHROPIC_API_KEY travels as a read-only file, never as a variable.
    expect(info.Mounts.map((m) => [m.Type, m.Source, m.Destination, m.RW])).toEqual(
      expect.arrayContaining([
        ["bind", home, "/home/worker", true],
        [
          "bind",
          path.join(fleet.home.home, "secrets", "workers", w.name, "credential"),
          "/run/hal9000/credential",
          false,
        ],
      ]),
    );
    // The home, the credential, and the passwd/group files that give its UID a name.
    expect(info.Mounts).toHaveLength(4);
    // Still running once claude's session has started (its hook says ready): it holds its TTY, waiting for input.
    await waitFor(
      "claude's session to start",
      async () => (await hal.list()).find((x) => x.name === w.name)?.agent?.state === "ready",
    );
    const ps = await execIn(fleet.docker, w.name, [
      "sh",
      "-c",
      'for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline 2>/dev/null; echo; done',
    ]);
    expect(ps.output.split("\n")).toContain("claude ");
    expect((await fleet.docker.getContainer(w.name).inspect()).State.Running).toBe(true);
    expect(await hal.sessions.read(w.name)).toMatchObject({
      state: "running",
      parent: fleet.parentName,
      detached: true,
    });
  });

  it("persists the worker's Claude home on the host (workers/<name>/ is its HOME)", async () => {
    const r = await execIn(fleet.docker, running, [
      "sh",
      "-c",
      'mkdir -p "$HOME/.claude" && echo kept > "$HOME/.claude/probe" && echo $HOME',
    ]);
    expect(r).toEqual({ exitCode: 0, output: "/home/worker\n" });
    const file = path.join(fleet.home.home, "workers", running, ".claude", "probe");
    expect((await stat(file)).isFile()).toBe(true);
  });

  it("runs in the parent's network namespace", async () => {
    const inParent = await execIn(fleet.docker, fleet.parentName, ["readlink", "/proc/self/ns/net"]);
    const inWorker = await execIn(fleet.docker, running, ["readlink", "/proc/self/ns/net"]);
    expect(inParent.output).toMatch(/^net:\[\d+\]\n$/);
    expect(inWorker.output).toBe(inParent.output);
  });

  it("reaches a server listening on the parent's localhost", async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    await execDetached(fleet.docker, fleet.parentName, [
      "node",
      "-e",
      `require('http').createServer((q,s)=>s.end('hello from the parent')).listen(${port},'127.0.0.1')`,
    ]);
    const request = `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET / HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n' >&3 && cat <&3`;
    const reply = await waitFor("the worker to reach the parent's server", async () => {
      const r = await execIn(fleet.docker, running, ["bash", "-c", request]);
      return r.exitCode === 0 && r.output.includes("hello from the parent") ? r.output : undefined;
    });
    expect(reply).toMatch(/^HTTP\/1\.[01] 200/);
  });

  it("three workers run and are counted, listed, and reported with CPU and memory", () =>
    withOwnParent(async ({ hal, docker, parentName }) => {
      // Spawned concurrently: generated names never collide.
      const more = await Promise.all([1, 2, 3].map(() => hal.spawn({ command: SLEEP })));
      expect(more[0]?.name).toMatch(/^hal9000-worker-[0-9a-f]{12}$/);
      expect(await hal.count()).toBe(3);
      // The coordinator in the parent counts them too (the bundled CLI, through the mounted socket).
      const inParent = await execIn(docker, parentName, ["hal9000", "count"]);
      expect(inParent).toEqual({ exitCode: 0, output: "3\n" });
      const list = await hal.list();
      expect(list.map((w) => w.name).sort()).toEqual(more.map((w) => w.name).sort());
      for (const w of list) {
        expect(w).toMatchObject({ state: "running", parent: parentName });
        expect(w.startedAt).toMatch(/^\d{4}-/);
        expect(w.status).toMatch(/^Up/);
      }
      const status = await hal.status();
      expect(status.parent).toMatchObject({ name: parentName, state: "running" });
      expect(status.workers).toHaveLength(3);
      for (const w of status.workers) {
        expect(w, JSON.stringify(w)).toBeTruthy();
        expect(w.cpuPercent, JSON.stringify(w)).toBeGreaterThanOrEqual(0);
        expect(w.memoryBytes).toBeGreaterThan(0);
        expect(w.memoryLimitBytes).toBe(4 * 1024 ** 3);
        expect(w.uptimeSeconds).toBeGreaterThanOrEqual(0);
      }
      expect(status.sessionRecords).toBe(3);
      expect(status.corruptRecords).toBe(0);
    }));

  it("status: a worker that spins shows its CPU use, an idle one none", () =>
    withOwnParent(async ({ hal }) => {
      const busy = await hal.spawn({ command: ["sh", "-c", "while :; do :; done"] });
      const idle = await hal.spawn({ command: SLEEP });
      const status = await hal.status();
      const cpu = (name: string) => status.workers.find((w) => w.name === name)?.cpuPercent;
      // How much the spinner gets depends on the machine's load: only that it shows.
      expect(cpu(busy.name)).toBeGreaterThan(2);
      expect(cpu(idle.name)).toBeLessThan(1);
    }));

  it("never lists, stops or removes a look-alike container without hal9000's labels", () =>
    withOwnParent(async ({ hal, docker, parentName }) => {
      await Promise.all([hal.spawn({ command: SLEEP }), hal.spawn({ command: SLEEP })]);
      const impostorName = uniqueName("hal9000-worker-impostor");
      const impostor = await testContainer("hal9000/worker:latest", parentName)
        .withName(impostorName)
        .withCommand(SLEEP)
        .start();
      expect((await hal.list()).map((w) => w.name)).not.toContain(impostorName);
      const stopErr = await hal.stop(impostorName).catch((e: unknown) => e);
      expect(stopErr).toBeInstanceOf(NotFoundError);
      const workers = (await hal.list()).map((w) => w.name).sort();
      const stopped = await hal.stopAll();
      expect(stopped).toEqual(workers);
      expect(await hal.count()).toBe(0);
      expect((await docker.getContainer(impostor.getId()).inspect()).State.Running).toBe(true);
      // --rm workers are gone; their records say so.
      for (const name of stopped) {
        expect(await hal.sessions.read(name)).toMatchObject({
          state: "ended",
          finishedAt: expect.any(String),
        });
      }
      const taken = await hal.spawn({ name: impostorName, command: SLEEP }).catch((e: unknown) => e);
      expect(taken).toBeInstanceOf(ConflictError);
      expect((taken as ConflictError).message).toMatch(/not a hal9000 worker/);
      await impostor.stop({ remove: true });
    }));

  it("gives concurrent spawns distinct names", () =>
    withOwnParent(async ({ hal }) => {
      const workers = await Promise.all(Array.from({ length: 5 }, () => hal.spawn({ command: SLEEP })));
      expect(new Set(workers.map((w) => w.name)).size).toBe(5);
      expect(await hal.count()).toBe(5);
      expect((await hal.stopAll()).length).toBe(5);
    }));
});

describe("projects, users and options", () => {
  it("mounts the project at /workspace and runs as its owner, so files the agent writes are the host user's", async () => {
    const dir = path.join(project.home, "owned");
    await mkdir(dir);
    await writeFile(path.join(dir, "hello.txt"), "hello from the host\n");
    await chown(dir, 4321, 4322);
    const countBefore = await hal.count();
    const w = await hal.spawn({
      project: dir,
      removeOnExit: false,
      command: ["sh", "-c", "cat hello.txt; id -u; id -g; pwd; echo made > made.txt"],
    });
    expect(w).toMatchObject({ project: dir, removeOnExit: false });
    await waitFor(
      "the worker to exit",
      async () => (await fleet.docker.getContainer(w.name).inspect()).State.Status === "exited",
    );
    const out = await readAll(await hal.logs(w.name));
    expect(out.replaceAll("\r", "")).toBe("hello from the host\n4321\n4322\n/workspace\n");
    const made = await stat(path.join(dir, "made.txt"));
    expect([made.uid, made.gid]).toEqual([4321, 4322]);
    // A kept worker shows up as exited until removed.
    expect((await hal.list()).find((x) => x.name === w.name)).toMatchObject({ state: "exited" });
    expect(await hal.count()).toBe(countBefore);
  });

  it("resolves a relative project against cwd, through symlinks", async () => {
    const real = path.join(project.home, "real");
    await mkdir(real);
    await symlink(real, path.join(project.home, "link"));
    const local = await fleet.open({ cwd: project.home });
    const w = await local.spawn({ project: "link", command: SLEEP });
    expect(w.project).toBe(real);
    const info = await fleet.docker.getContainer(w.name).inspect();
    expect(info.Mounts.find((m) => m.Destination === "/workspace")?.Source).toBe(real);
    await local.stop(w.name);
  });

  it("passes extra env to the worker, and the caller's ANTHROPIC_API_KEY as a read-only file, not a variable", async () => {
    const withKey = await fleet.open({ env: testEnv({ ANTHROPIC_API_KEY: "sk-test-key" }) });
    const w = await withKey.spawn({ command: SLEEP, env: { EXTRA_VAR: "extra" } });
    const r = await execIn(fleet.docker, w.name, [
      "sh",
      "-c",
      'echo "[$ANTHROPIC_API_KEY] $EXTRA_VAR $HOME"',
    ]);
    expect(r.output).toBe("[] extra /home/worker\n");
    const file = await execIn(fleet.docker, w.name, ["cat", "/run/hal9000/credential"]);
    expect(file.output).toBe("sk-test-key\n");
    await withKey.stop(w.name);
  });

  it("removes an --rm worker when its command exits", async () => {
    const w = await hal.spawn({ command: ["true"] });
    await waitFor("the worker to be removed", async () => (await hal.list()).every((x) => x.name !== w.name));
    // Nobody asked for this removal: the parent's coordinator sees it and ends the record.
    const record = await waitFor("the parent's coordinator to end the record", async () => {
      const r = await hal.sessions.read(w.name);
      return r?.state === "ended" ? r : undefined;
    });
    expect(record).toMatchObject({ exitCode: 0, finishedAt: expect.any(String) });
  });
});

describe("logs", () => {
  it("reads a worker's output (raw: workers have a TTY), with tail, and follows it", async () => {
    const w = await hal.spawn({
      command: [
        "bash",
        "-c",
        "for i in 1 2 3 4 5; do echo line$i; done; sleep 1; echo later; sleep infinity",
      ],
    });
    const all = await waitFor("the output", async () => {
      const text = (await readAll(await hal.logs(w.name))).replaceAll("\r", "");
      return text.includes("later") ? text : undefined;
    });
    expect(all).toBe("line1\nline2\nline3\nline4\nline5\nlater\n");
    expect((await readAll(await hal.logs(w.name, { tail: 2 }))).replaceAll("\r", "")).toBe("line5\nlater\n");
    const follow = await hal.logs(w.name, { follow: true, tail: 1 });
    let seen = "";
    follow.on("data", (c: Buffer) => {
      seen += c.toString();
    });
    await execIn(fleet.docker, w.name, ["sh", "-c", "echo followed > /proc/1/fd/1"]);
    await waitFor("followed output", () => seen.includes("followed"));
    (follow as unknown as { destroy(): void }).destroy();
    expect(seen.replaceAll("\r", "")).toBe("later\nfollowed\n");
    await hal.stop(w.name);
  });

  it("an unknown worker is a NotFoundError that says how to see workers", async () => {
    const err = await hal.logs("hal9000-worker-nosuch").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).hint).toMatch(/hal9000 list/);
  });
});

describe("terminals", () => {
  it("shell: a bash in the worker on the caller's terminal, returning its exit code", async () => {
    const w = await hal.spawn({ command: SLEEP });
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let out = "";
    stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    stdin.write("echo attached-$((6*7)) in $PWD; exit 3\n");
    const code = await hal.shell(w.name, { stdin, stdout });
    expect(code).toBe(3);
    expect(out).toMatch(/attached-42 in \/workspace/);
    expect((await fleet.docker.getContainer(w.name).inspect()).State.Running).toBe(true);
    await hal.stop(w.name);
    const gone = await hal.shell(w.name, { stdin, stdout }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(NotFoundError);
  });

  it("runInteractive: spawns with a TTY, attaches, and returns the worker's exit code", async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let out = "";
    stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    stdin.write("echo interactive-$((6*7)); exit 5\n");
    const countBefore = await hal.count();
    const code = await hal.runInteractive(
      { command: ["bash"], name: uniqueName("hal9000-worker-it") },
      { stdin, stdout },
    );
    expect(code).toBe(5);
    expect(out).toMatch(/interactive-42/);
    expect(await hal.count()).toBe(countBefore);
  });

  it("runInteractive returns a command's exit code even when it exits at once", async () => {
    const io = { stdin: new PassThrough(), stdout: new PassThrough() };
    expect(await hal.runInteractive({ command: ["sh", "-c", "exit 9"] }, io)).toBe(9);
  });
});

describe("refusals: clear errors, nothing changed", () => {
  it("a bad worker name", async () => {
    const err = await hal.spawn({ name: "bad name!" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(await leftovers("bad name!")).toEqual(nothing);
  });

  it("a name already in use", async () => {
    const name = uniqueName("hal9000-worker-dup");
    await hal.spawn({ name, command: SLEEP });
    const err = await hal.spawn({ name, command: SLEEP }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).hint).toMatch(`hal9000 stop ${name}`);
    expect(await leftovers(name)).toEqual({ containers: 1, records: 1, homes: 1 });
    await hal.stop(name);
  });

  it("a project that does not exist, or is a file", async () => {
    const name = uniqueName("hal9000-worker-noproj");
    const missing = await hal.spawn({ name, project: "/nonexistent/project" }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(InvalidInputError);
    expect((missing as InvalidInputError).message).toMatch(/does not exist/);
    const file = path.join(project.home, "a-file");
    await writeFile(file, "x");
    const notDir = await hal.spawn({ name, project: file }).catch((e: unknown) => e);
    expect((notDir as InvalidInputError).message).toMatch(/not a directory/);
    expect(await leftovers(name)).toEqual(nothing);
  });

  it("a worker image that is not built: the configured one says how to build it, any other how to get it", async () => {
    const name = uniqueName("hal9000-worker-noimg");
    const missing = "hal9000/worker:does-not-exist";
    const configured = await fleet.open({ flags: { workerImage: missing } });
    const err = await configured.spawn({ name }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).message).toMatch(/worker image "hal9000\/worker:does-not-exist" not found/);
    expect((err as NotFoundError).hint).toMatch(/hal9000 build worker/);
    const other = await hal.spawn({ name, image: missing }).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(NotFoundError);
    expect((other as NotFoundError).hint).toMatch(/docker image ls/);
    expect(await leftovers(name)).toEqual(nothing);
  });

  it("a parent that is not running", async () => {
    const other = await fleet.open({ flags: { parentName: uniqueName("hal9000-test-absent") } });
    const name = uniqueName("hal9000-worker-orphan");
    const err = await other.spawn({ name }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParentNotRunningError);
    expect((err as ParentNotRunningError).hint).toMatch(/hal9000 parent start|hal9000 up/);
    expect(await leftovers(name)).toEqual(nothing);
  });

  it("a refused spawn in a brand-new HAL9000_HOME creates nothing there, not even the home", async () => {
    const base = await tempDir("hal9000-test-fresh-");
    try {
      const home = path.join(base.home, "never-made");
      const fresh = await Hal9000.open({
        home,
        env: testEnv(),
        flags: { parentName: uniqueName("hal9000-test-absent") },
      });
      await expect(fresh.spawn({ project: project.home })).rejects.toBeInstanceOf(ParentNotRunningError);
      expect(await readdir(base.home)).toEqual([]);
    } finally {
      await base.remove();
    }
  });

  it("WORKER_MAX_COUNT reached", () =>
    withOwnParent(async (own) => {
      const limited = await own.open({ flags: { workerMaxCount: 1 } });
      const w = await limited.spawn({ command: SLEEP });
      const name = uniqueName("hal9000-worker-over");
      const err = await limited.spawn({ name, command: SLEEP }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LimitReachedError);
      expect((err as LimitReachedError).message).toMatch(/WORKER_MAX_COUNT is 1/);
      expect(await own.docker.listContainers({ all: true, filters: { name: [name] } })).toEqual([]);
      await limited.stop(w.name);
    }));

  it("stopping an unknown worker says how to see the workers", async () => {
    const err = await hal.stop("hal9000-worker-nosuch").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).hint).toBe("see the workers with `hal9000 list`");
  });

  it("a failure half-way (create or start refused) removes what was made: container, record, home", () =>
    withOwnParent(async (own) => {
      const leftovers = (name: string) => leftoversIn(own, name);
      const tooMany = await own.open({ flags: { workerCpus: 512 } });
      const a = uniqueName("hal9000-worker-cpus");
      const cpuErr = await tooMany.spawn({ name: a, command: SLEEP }).catch((e: unknown) => e);
      expect(cpuErr).toBeInstanceOf(InvalidInputError);
      expect((cpuErr as InvalidInputError).hint).toMatch(/WORKER_CPUS/);
      expect(await leftovers(a)).toEqual(nothing);
      // A real start refusal at a chosen moment: the parent stops right after the worker is
      // created, so the daemon refuses to start it ("cannot join network of a non running container").
      const parentName = own.parentName;
      class StopParentAfterCreate extends Docker {
        override async createContainer(options: Docker.ContainerCreateOptions) {
          const container = await super.createContainer(options);
          if (options.Labels?.["hal9000.role"] === "worker")
            await this.getContainer(parentName).stop({ t: 0 });
          return container;
        }
      }
      const racing = await own.open({ docker: new StopParentAfterCreate() });
      const b = uniqueName("hal9000-worker-nostart");
      try {
        const startErr = await racing
          .spawn({ name: b, command: SLEEP, project: project.home })
          .catch((e: unknown) => e);
        expect((startErr as Error).message).toMatch(
          new RegExp(`^starting worker "${b}": .*non running container`),
        );
        expect(await leftovers(b)).toEqual(nothing);
      } finally {
        await own.hal.startParent();
      }
    }));
});

describe("spawning from inside the parent", () => {
  it("mounts host paths: HAL9000_HOME maps to HAL9000_HOST_HOME, and a missing host project is a clear error", async () => {
    // The parent sees HAL9000_HOME at another path than the host; emulate that with a symlink.
    const local = path.join(project.home, "home-as-seen-in-parent");
    await symlink(fleet.home.home, local);
    const inside = await Hal9000.open({
      home: local,
      env: testEnv({ HAL9000_HOST_HOME: fleet.home.home }),
      flags: { parentName: fleet.parentName },
    });
    expect(inside.insideParent).toBe(true);
    const w = await inside.spawn({ command: SLEEP, project: project.home });
    const info = await fleet.docker.getContainer(w.name).inspect();
    expect(info.Mounts.find((m) => m.Destination === "/home/worker")?.Source).toBe(
      path.join(fleet.home.home, "workers", w.name),
    );
    const name = uniqueName("hal9000-worker-inside");
    const err = await inside.spawn({ name, project: "/nonexistent/on/host" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).message).toBe(
      'project directory "/nonexistent/on/host" does not exist on the Docker host',
    );
    expect(await leftovers(name)).toEqual(nothing);
    const rel = await inside.spawn({ name, project: "relative/dir" }).catch((e: unknown) => e);
    expect((rel as InvalidInputError).hint).toMatch(/absolute path on the host/);
    await inside.stop(w.name);
  });

  it("through the CLI bundled in the real parent: host paths for the project and the Claude home", async () => {
    const name = uniqueName("hal9000-worker-fromparent");
    // A project as CI has them: root's, readable by others. Inside the parent its owner can't be
    // checked, so the worker runs as HAL9000_HOME's owner (here root, so the non-root fallback):
    // a 0700 root-owned project would be unreadable to it, and Claude would stop in its "settings
    // file could not be read" dialog for /workspace/.claude, never starting its session.
    const dir = path.join(project.home, "from-parent");
    await mkdir(dir);
    await chmod(dir, 0o755);
    // `spawn -d` reports a worker that exits at once: Claude needs onboarding done and the stub's API to stay up.
    await mkdir(path.join(hal.layout.workers, name), { recursive: true });
    await writeFile(
      path.join(hal.layout.workers, name, ".claude.json"),
      JSON.stringify({ hasCompletedOnboarding: true }),
    );
    const r = await execInSplit(fleet.docker, fleet.parentName, [
      "hal9000",
      "spawn",
      "-d",
      "--no-rm",
      "-n",
      name,
      ...Object.entries(stub.env).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
      "--json",
      dir,
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    // Claude's session started: its hooks' state, written in the worker's home, was read by the
    // CLI in the parent through its own mount of HAL9000_HOME.
    expect(JSON.parse(r.stdout)).toMatchObject({
      name,
      project: dir,
      parent: fleet.parentName,
      agent: { state: "ready" },
    });
    expect(r.stderr).not.toContain("did not become ready");
    const info = await fleet.docker.getContainer(name).inspect();
    expect(info.Mounts.map((m) => [m.Source, m.Destination]).sort()).toEqual(
      [
        [dir, "/workspace"],
        [path.join(fleet.home.home, "workers", name), "/home/worker"],
        // The stub's key, given with -e, travels as a read-only file (a host path too).
        [path.join(fleet.home.home, "secrets", "workers", name, "credential"), "/run/hal9000/credential"],
        // Its user name (whoami): passwd and group files made for its UID, host paths too.
        [path.join(fleet.home.home, "secrets", "workers", name, "passwd"), "/etc/passwd"],
        [path.join(fleet.home.home, "secrets", "workers", name, "group"), "/etc/group"],
      ].sort(),
    );
    expect((await hal.sessions.read(name))?.project).toBe(dir);
    const missing = await execIn(fleet.docker, fleet.parentName, [
      "hal9000",
      "spawn",
      "-d",
      "/nonexistent/on/host",
    ]);
    expect(missing.exitCode).not.toBe(0);
    expect(missing.output).toContain(
      'project directory "/nonexistent/on/host" does not exist on the Docker host',
    );
    await hal.stop(name);
  });
});
