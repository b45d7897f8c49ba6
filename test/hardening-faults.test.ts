/**
 * The fleet survives faults, against the real engine: a parent restarted or recreated under
 * its workers, a Docker daemon restart (on a private dockerd), a worker killed from outside,
 * 20 spawns at once (API and CLI), stop-all racing spawns, WORKER_MAX_COUNT under concurrency,
 * and a spawning process killed half-way.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConflictError, connectDocker, Hal9000, LimitReachedError, type WorkerInfo } from "@hal9000/core";
import { dockerEngine, type Engine, restartKeepsRemoveOnExit } from "@hal9000/core/internal";
import type Docker from "dockerode";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hal9000 } from "./cli-harness.js";
import {
  buildTinyImage,
  copyImage,
  type PrivateDockerd,
  startPrivateDockerd,
} from "./hardening-faults-dockerd.js";
import {
  execDetached,
  execIn,
  TEST_LABEL,
  type TempHome,
  type TestFleet,
  tempDir,
  tempHome,
  testEnv,
  testFleet,
  uniqueName,
  waitFor,
} from "./helpers/index.js";

const SLEEP = ["sleep", "infinity"];
const BASE_IMAGE = "debian:bookworm-slim";
const CRASH = fileURLToPath(new URL("./fixtures/hardening-faults-spawn-crash.mjs", import.meta.url));
const SPAWN_MANY = fileURLToPath(new URL("./fixtures/hardening-faults-spawn-many.mjs", import.meta.url));
/**
 * How long to wait for the coordinator to bring workers back (a stop, a start and the new
 * coordinator's own start; seconds when quiet). A bound, not a timing assertion: on a loaded
 * 2-core CI machine 10 s was not always enough.
 */
const BACK_IN_NETWORK_MS = 45_000;
const LIMITS = [
  "Memory",
  "NanoCpus",
  "PidsLimit",
  "CapDrop",
  "CapAdd",
  "SecurityOpt",
  "AutoRemove",
  "Init",
] as const;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const fulfilled = <T>(results: PromiseSettledResult<T>[]) =>
  results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
const rejected = <T>(results: PromiseSettledResult<T>[]) =>
  results.flatMap((r) => (r.status === "rejected" ? [r.reason as Error] : []));

/** The network namespace a container's processes live in, e.g. `net:[4026532258]`. */
async function netns(docker: Docker, container: string): Promise<string> {
  const r = await execIn(docker, container, ["readlink", "/proc/self/ns/net"]);
  if (r.exitCode !== 0) throw new Error(`readlink in ${container}: ${r.output}`);
  return r.output.trim();
}

/** Network interfaces a container sees (/proc/net/dev). */
async function interfaces(docker: Docker, container: string): Promise<string[]> {
  const r = await execIn(docker, container, ["cat", "/proc/net/dev"]);
  return r.output
    .split("\n")
    .slice(2)
    .map((l) => l.split(":")[0]?.trim() ?? "")
    .filter((n) => n !== "")
    .sort();
}

/** A tiny HTTP server on the parent's loopback (the parent image has Node). */
async function serveOnParentLoopback(
  docker: Docker,
  parent: string,
  port: number,
  text: string,
): Promise<void> {
  await execDetached(docker, parent, [
    "node",
    "-e",
    `require("http").createServer((q, r) => r.end(process.argv[1])).listen(${port}, "127.0.0.1")`,
    text,
  ]);
}

/** What a worker gets from 127.0.0.1:port (bash's /dev/tcp: no curl in the image). */
async function fetchFromWorker(docker: Docker, worker: string, port: number): Promise<string> {
  const r = await execIn(docker, worker, [
    "bash",
    "-c",
    `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3`,
  ]);
  return r.output;
}

const randomPort = () => 20000 + Math.floor(Math.random() * 20000);

/** Waits for a line of the child's stdout matching `re`; returns its first group. */
function lineFrom(child: ChildProcess, re: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const m = re.exec(out);
      if (m) resolve(m[1] ?? "");
    });
    child.stderr?.on("data", (c: Buffer) => {
      err += c.toString();
    });
    child.once("exit", (code) => reject(new Error(`exited (${code}) before ${re}: ${out}${err}`)));
  });
}

/** A process that spawns a worker and stops at `step` (see the fixture); resolves with the worker's name. */
async function spawnAndPause(
  home: string,
  parentName: string,
  step: "create" | "start",
): Promise<{ child: ChildProcess; name: string }> {
  const child = spawn(process.execPath, [CRASH, home, parentName, step, "hal9000/worker:latest"], {
    env: testEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const name = await lineFrom(child, new RegExp(`paused at ${step} (\\S+)`));
  return { child, name };
}

/** Another process spawning `n` workers at once (see the fixture): what it started and what was refused. */
async function spawnManyElsewhere(
  home: string,
  parentName: string,
  n: number,
  maxCount: number,
): Promise<{ started: string[]; refused: { code: string; message: string }[] }> {
  const child = spawn(
    process.execPath,
    [SPAWN_MANY, home, parentName, String(n), String(maxCount), "hal9000/worker:latest"],
    { env: testEnv(), stdio: ["ignore", "pipe", "pipe"] },
  );
  return JSON.parse(await lineFrom(child, /^(\{.*\})$/m));
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

describe("with the real parent (its coordinator inside)", () => {
  let fleet: TestFleet;
  let hal: Hal9000;
  let docker: Docker;
  let project: TempHome;
  const coordinatorLog = () =>
    readFile(path.join(hal.layout.logs, "coordinator.log"), "utf8").catch(() => "");

  beforeAll(async () => {
    fleet = await testFleet();
    hal = fleet.hal;
    docker = fleet.docker;
    project = await tempDir("hal9000-test-project-");
    await hal.startParent();
    await waitFor("the parent's coordinator", () =>
      coordinatorLog().then((t) => t.includes("coordinator started")),
    );
  });

  afterAll(async () => {
    await fleet?.cleanup();
    await project?.remove();
  });
  // A failed test must not leave its workers for the next one's coordinator to find.
  afterEach(async () => {
    if (!docker) return;
    const left = await docker.listContainers({
      all: true,
      filters: { label: [`hal9000.parent=${fleet.parentName}`] },
    });
    await Promise.all(
      left.map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
  });

  it("after a parent restart, the coordinator restarts its workers into the new namespace; their homes are kept", async () => {
    // One kept worker and one --rm worker: Docker before 23.0 can't restart an --rm container
    // safely (moby#43751), so there it is created again under its name instead.
    const workers = await Promise.all(
      [false, true].map((removeOnExit) =>
        hal.spawn({ command: SLEEP, project: project.home, removeOnExit, env: { HARDENING_NOTE: "kept" } }),
      ),
    );
    for (const w of workers)
      await writeFile(path.join(hal.layout.workers, w.name, "marker.txt"), `${w.name}\n`);
    const parentBefore = await hal.parentStatus();
    const nsBefore = await netns(docker, fleet.parentName);
    for (const w of workers) expect(await netns(docker, w.name)).toBe(nsBefore);

    const parent = await hal.restartParent();
    expect(parent.id).toBe(parentBefore.id);
    expect(parent.startedAt).not.toBe(parentBefore.startedAt);
    const port = randomPort();
    await serveOnParentLoopback(docker, fleet.parentName, port, "hello from the parent's loopback");
    const nsAfter = await netns(docker, fleet.parentName);
    expect(nsAfter).not.toBe(nsBefore);

    await waitFor(
      "both workers in the parent's new namespace, reaching its loopback",
      async () => {
        for (const w of workers) {
          if ((await netns(docker, w.name)) !== nsAfter) return false;
          if (!(await fetchFromWorker(docker, w.name, port)).includes("hello from the parent's loopback"))
            return false;
        }
        return true;
      },
      { timeoutMs: BACK_IN_NETWORK_MS, intervalMs: 250 },
    );

    const engineVersion = (await docker.version()).Version;
    const parentIfs = await interfaces(docker, fleet.parentName);
    expect(parentIfs).toContain("eth0");
    const log = await coordinatorLog();
    for (const w of workers) {
      expect(await interfaces(docker, w.name)).toEqual(parentIfs);
      expect(await readFile(path.join(hal.layout.workers, w.name, "marker.txt"), "utf8")).toBe(`${w.name}\n`);
      const info = await docker.getContainer(w.name).inspect();
      if (w === workers[0] || restartKeepsRemoveOnExit(engineVersion)) {
        expect(info.Id).toBe(w.id); // restarted, not replaced
        expect(log).toContain(`worker ${w.name} restarted into the parent's network`);
      } else {
        expect(info.Id).not.toBe(w.id);
        expect(info.HostConfig.AutoRemove).toBe(true);
        expect(info.Config.Env).toContain("HARDENING_NOTE=kept");
        expect(log).toContain(
          `worker ${w.name} recreated into the parent's network (${w.id.slice(0, 12)} → ${info.Id.slice(0, 12)})`,
        );
      }
      const record = await hal.sessions.read(w.name);
      expect(record).toMatchObject({ id: info.Id, state: "running", exitCode: null });
      expect(Date.parse(record?.startedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(parent.startedAt ?? ""));
    }
    await hal.stopAll();
  });

  it("after the parent is removed and created again, its workers are recreated alike, under the same name", async () => {
    const w = await hal.spawn({
      command: SLEEP,
      project: project.home,
      removeOnExit: false,
      env: { HARDENING_SETTING: "value-that-must-not-be-in-labels" },
    });
    await writeFile(path.join(hal.layout.workers, w.name, "marker.txt"), "still here\n");
    const before = await docker.getContainer(w.name).inspect();
    const oldParent = await hal.parentStatus();
    expect(before.HostConfig.NetworkMode).toBe(`container:${oldParent.id}`);

    await docker.getContainer(fleet.parentName).remove({ force: true });
    const parent = await hal.startParent();
    expect(parent.id).not.toBe(oldParent.id);
    const port = randomPort();
    await serveOnParentLoopback(docker, fleet.parentName, port, "hello from the new parent");
    const ns = await netns(docker, fleet.parentName);

    const after = await waitFor(
      "the worker recreated in the new parent's namespace, reaching its loopback",
      async () => {
        const info = await docker.getContainer(w.name).inspect();
        if (info.Id === before.Id || !info.State.Running) return false;
        if ((await netns(docker, w.name)) !== ns) return false;
        return (await fetchFromWorker(docker, w.name, port)).includes("hello from the new parent")
          ? info
          : false;
      },
      { timeoutMs: BACK_IN_NETWORK_MS, intervalMs: 250 },
    );

    expect(after.Name).toBe(before.Name);
    expect(after.HostConfig.NetworkMode).toBe(`container:${parent.id}`);
    expect(after.Config.Image).toBe(before.Config.Image);
    expect(after.Config.Cmd).toEqual(before.Config.Cmd);
    expect(after.Config.Env).toEqual(before.Config.Env);
    expect(after.Config.User).toBe(before.Config.User);
    expect(after.Config.WorkingDir).toBe(before.Config.WorkingDir);
    expect(after.Config.Labels).toEqual(before.Config.Labels);
    expect(after.HostConfig.Mounts).toEqual(before.HostConfig.Mounts);
    const limits = (h: Docker.HostConfig) =>
      Object.fromEntries(LIMITS.map((k) => [k, h[k as keyof Docker.HostConfig]]));
    expect(limits(after.HostConfig)).toEqual(limits(before.HostConfig));
    expect(after.Config.Env).toContain("HARDENING_SETTING=value-that-must-not-be-in-labels");
    expect(JSON.stringify(after.Config.Labels)).not.toContain("value-that-must-not-be-in-labels");
    expect(await readFile(path.join(hal.layout.workers, w.name, "marker.txt"), "utf8")).toBe("still here\n");

    const record = await waitFor("the record to name the new container", async () => {
      const r = await hal.sessions.read(w.name);
      return r?.id === after.Id ? r : undefined;
    });
    expect(record).toMatchObject({ state: "running", exitCode: null, removeOnExit: false });
    // The old container is gone, and no renamed leftover stays behind.
    const all = await docker.listContainers({
      all: true,
      filters: { label: [`hal9000.parent=${fleet.parentName}`] },
    });
    expect(all.map((c) => c.Names[0])).toEqual([`/${w.name}`]);
    expect(await coordinatorLog()).toContain(`worker ${w.name} recreated into the parent's network`);
    await hal.stopAll();
  });

  it("a worker killed from outside (docker kill) has a session record that says so, with exit code 137", async () => {
    const kept = await hal.spawn({ command: SLEEP, removeOnExit: false });
    const removed = await hal.spawn({ command: SLEEP, removeOnExit: true });
    await docker.getContainer(kept.id).kill();
    await docker.getContainer(removed.id).kill();
    const k = await waitFor("the kept worker's record", async () => {
      const r = await hal.sessions.read(kept.name);
      return r?.state === "exited" ? r : undefined;
    });
    expect(k).toMatchObject({ id: kept.id, exitCode: 137, finishedAt: expect.any(String) });
    const r = await waitFor("the --rm worker's record", async () => {
      const rec = await hal.sessions.read(removed.name);
      return rec?.state === "ended" ? rec : undefined;
    });
    expect(r).toMatchObject({ id: removed.id, exitCode: 137 });
    const listed = (await hal.list()).find((w) => w.name === kept.name);
    expect(listed).toMatchObject({ state: "exited", status: expect.stringContaining("Exited (137)") });
    expect((await hal.list()).some((w) => w.name === removed.name)).toBe(false);
    expect(await coordinatorLog()).toContain(`worker ${kept.name} exited with code 137`);
  });
});

/**
 * Spawning under load, on a parent that is only a namespace holder (a tiny image built here,
 * no coordinator): what these tests check is spawn's own locking and bookkeeping.
 */
describe("spawning under concurrency and crashes", () => {
  let fleet: TestFleet;
  let hal: Hal9000;
  const tinyParent = `${uniqueName("hal9000-test-tiny-parent")}:latest`;

  /** Everything hal9000 keeps for a worker name: its container, session record and Claude home. */
  async function leftovers(name: string) {
    const containers = await fleet.docker.listContainers({ all: true, filters: { name: [name] } });
    return {
      containers: containers.filter((c) => c.Names.includes(`/${name}`)).length,
      records: (await hal.sessions.read(name)) === undefined ? 0 : 1,
      homes: (await exists(path.join(hal.layout.workers, name))) ? 1 : 0,
    };
  }
  /** The intent a spawn of `name` writes at its reservation and removes once done. */
  const intentFile = (name: string) => path.join(hal.layout.home, "locks", `spawn-intent-${name}.json`);

  beforeAll(async () => {
    fleet = await testFleet({ flags: { workerMaxCount: 25 } });
    hal = fleet.hal;
    await buildTinyImage(fleet.docker, tinyParent, {
      from: BASE_IMAGE,
      cmd: SLEEP,
      labels: { [TEST_LABEL]: fleet.parentName },
    });
    await hal.startParent({ image: tinyParent });
  });

  afterAll(async () => {
    await fleet?.cleanup();
    await fleet?.docker
      .getImage(tinyParent)
      .remove({ force: true })
      .catch(() => undefined);
  });

  it("a coordinator running outside the parent restarts the workers when it sees the parent start", async () => {
    const coordinator = await fleet.open();
    const controller = new AbortController();
    const running = coordinator.runCoordinator({ signal: controller.signal });
    const log = () => readFile(path.join(hal.layout.logs, "coordinator.log"), "utf8").catch(() => "");
    try {
      // Kept (not --rm): restarted in place on every engine; the --rm case is the next test.
      const w = await hal.spawn({ command: SLEEP, removeOnExit: false });
      await waitFor("the coordinator to see the worker", () =>
        log().then((t) => t.includes(`worker ${w.name} started`)),
      );
      const before = await netns(fleet.docker, w.name);
      await hal.restartParent();
      const ns = await netns(fleet.docker, fleet.parentName);
      expect(ns).not.toBe(before);
      await waitFor(
        "the worker in the parent's new namespace",
        async () => (await netns(fleet.docker, w.name)) === ns,
        { timeoutMs: BACK_IN_NETWORK_MS, intervalMs: 250 },
      );
      expect(await interfaces(fleet.docker, w.name)).toEqual(
        await interfaces(fleet.docker, fleet.parentName),
      );
      expect(await log()).toContain(`worker ${w.name} restarted into the parent's network`);
      expect((await fleet.docker.getContainer(w.name).inspect()).Id).toBe(w.id);
      await hal.stopAll();
      await fleet.docker.getContainer(w.id).remove({ force: true });
    } finally {
      controller.abort();
      await running;
    }
  });

  it("an --rm worker that Docker removes while restarting it (20.10's race) is created again: same name, home and settings", async () => {
    // Docker's race, made certain: this engine says it is 24.0 (so a restart is tried) and its
    // restart removes the container right after restarting it.
    const real = dockerEngine(fleet.docker);
    const racing: Engine = {
      where: real.where,
      socketPath: real.socketPath,
      ping: async () => ({ ...(await real.ping()), version: "24.0.0" }),
      images: real.images,
      events: (query, signal) => real.events(query, signal),
      containers: Object.assign(Object.create(real.containers) as Engine["containers"], {
        restart: async (ref: string, timeoutSeconds: number, what?: string) => {
          await real.containers.restart(ref, timeoutSeconds, what);
          await real.containers.remove(ref);
        },
      }),
    };
    const coordinator = await fleet.open({ engine: racing });
    const w = await hal.spawn({ command: SLEEP, env: { HARDENING_NOTE: "kept" } });
    await writeFile(path.join(hal.layout.workers, w.name, "marker.txt"), "still here\n");
    await hal.restartParent();
    const ns = await netns(fleet.docker, fleet.parentName);
    const controller = new AbortController();
    const running = coordinator.runCoordinator({ signal: controller.signal });
    const log = () => readFile(path.join(hal.layout.logs, "coordinator.log"), "utf8").catch(() => "");
    try {
      const after = await waitFor(
        "the worker created again in the parent's new namespace",
        async () => {
          const info = await fleet.docker
            .getContainer(w.name)
            .inspect()
            .catch(() => undefined);
          return info && info.Id !== w.id && info.State.Running && (await netns(fleet.docker, w.name)) === ns
            ? info
            : undefined;
        },
        { timeoutMs: BACK_IN_NETWORK_MS, intervalMs: 250 },
      );
      expect(after.HostConfig.AutoRemove).toBe(true);
      expect(after.Config.Env).toContain("HARDENING_NOTE=kept");
      expect(after.HostConfig.NetworkMode).toBe(`container:${(await hal.parentStatus()).id}`);
      expect(await readFile(path.join(hal.layout.workers, w.name, "marker.txt"), "utf8")).toBe(
        "still here\n",
      );
      await waitFor("its record naming the new container", async () => {
        const r = await hal.sessions.read(w.name);
        return r?.id === after.Id && r.state === "running";
      });
      expect(await log()).toContain(
        `worker ${w.name} recreated into the parent's network (${w.id.slice(0, 12)} → ${after.Id.slice(0, 12)})`,
      );
      expect(await log()).toContain("Docker removed it while restarting it");
      await hal.stopAll();
    } finally {
      controller.abort();
      await running;
    }
  });

  it("20 spawns at once through the API: 20 distinct running workers, 20 records", async () => {
    const results = await Promise.allSettled(range(20).map(() => hal.spawn({ command: SLEEP })));
    expect(rejected(results)).toEqual([]);
    const workers = fulfilled(results);
    expect(new Set(workers.map((w) => w.name)).size).toBe(20);
    for (const w of workers) {
      expect(w.state).toBe("running");
      expect(await hal.sessions.read(w.name)).toMatchObject({ id: w.id, state: "running" });
    }
    expect(await hal.count()).toBe(20);
    expect(await hal.stopAll()).toEqual(workers.map((w) => w.name).sort());
    expect(await hal.count()).toBe(0);
  });

  it("20 spawns at once through the CLI (spawn -d): 20 distinct workers, 20 records", async () => {
    const flags = ["--home", hal.layout.home, "--parent-name", fleet.parentName, "--worker-max-count", "25"];
    const runs = await Promise.all(
      range(20).map(() => hal9000(["spawn", "-d", "--json", "-i", BASE_IMAGE, ...flags], testEnv())),
    );
    for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0 });
    const workers = runs.map((r) => JSON.parse(r.stdout) as WorkerInfo);
    expect(new Set(workers.map((w) => w.name)).size).toBe(20);
    for (const w of workers) {
      expect(await hal.sessions.read(w.name)).toMatchObject({
        id: w.id,
        state: "running",
        image: BASE_IMAGE,
      });
    }
    const listed = (await hal.list()).filter((w) => w.state === "running").map((w) => w.name);
    expect(listed.sort()).toEqual(workers.map((w) => w.name).sort());
    await hal.stopAll();
  }, 240_000); // each spawn waits out the 30 s readiness bound (this image has no Claude)

  it("stop-all during 20 spawns wins: spawns still waiting are cancelled, no worker and no record is left running", async () => {
    const spawns = range(20).map(() => hal.spawn({ command: SLEEP }));
    const settled = Promise.allSettled(spawns);
    // Some spawns are done, the others are queued for the spawn lock.
    await Promise.race(spawns.map((p) => p.then(() => undefined)));
    const stopped = await hal.stopAll();
    // Once it returns nothing runs: it waited for the spawns it overtook.
    expect(await hal.count()).toBe(0);
    const results = await settled;
    const started = fulfilled(results);
    const cancelled = rejected(results);
    expect(started.length).toBeGreaterThan(0);
    expect(cancelled.length).toBeGreaterThan(0);
    for (const err of cancelled) {
      expect(err).toBeInstanceOf(ConflictError);
      expect(err.message).toMatch(/spawn cancelled: `stop-all` was called/);
    }
    expect(stopped).toEqual(started.map((w) => w.name).sort());
    expect(await hal.count()).toBe(0);
    expect(await hal.list()).toEqual([]); // --rm workers: stopped means gone
    const { records } = await hal.sessions.list();
    expect(records.filter((r) => r.state === "running" || r.state === "created")).toEqual([]);
    for (const w of started) expect((await hal.sessions.read(w.name))?.state).toBe("ended");
  });

  it("WORKER_MAX_COUNT holds under 8 concurrent spawns: exactly 3 start, 5 get LimitReachedError", async () => {
    const hal3 = await fleet.open({ flags: { workerMaxCount: 3 } });
    expect(await hal3.count()).toBe(0);
    const results = await Promise.allSettled(range(8).map(() => hal3.spawn({ command: SLEEP })));
    expect(fulfilled(results)).toHaveLength(3);
    const refused = rejected(results);
    expect(refused).toHaveLength(5);
    for (const err of refused) {
      expect(err).toBeInstanceOf(LimitReachedError);
      expect(err.message).toBe("3 workers are active; WORKER_MAX_COUNT is 3");
    }
    expect(await hal3.count()).toBe(3);
    await hal3.stopAll();
  });

  it("WORKER_MAX_COUNT holds across processes: 10 spawns at once from two at a limit of 5, exactly 5 start", async () => {
    const hal5 = await fleet.open({ flags: { workerMaxCount: 5 } });
    expect(await hal5.count()).toBe(0);
    const [here, there] = await Promise.all([
      Promise.allSettled(range(5).map(() => hal5.spawn({ command: SLEEP }))),
      spawnManyElsewhere(hal.layout.home, fleet.parentName, 5, 5),
    ]);
    const started = [...fulfilled(here).map((w) => w.name), ...there.started];
    expect(started).toHaveLength(5);
    const refused = [...rejected(here).map((e) => e.message), ...there.refused.map((r) => r.message)];
    expect(refused).toHaveLength(5);
    for (const message of refused) expect(message).toBe("5 workers are active; WORKER_MAX_COUNT is 5");
    for (const err of rejected(here)) expect(err).toBeInstanceOf(LimitReachedError);
    for (const r of there.refused) expect(r.code).toBe("LIMIT_REACHED");
    expect((await hal5.list()).map((w) => w.name).sort()).toEqual(started.sort());
    await hal5.stopAll();
  });

  it("a spawn in flight in another process keeps its slot and is left alone; SIGKILLed, the next spawn undoes it", async () => {
    const hal2 = await fleet.open({ flags: { workerMaxCount: 2 } });
    const { child, name } = await spawnAndPause(hal.layout.home, fleet.parentName, "start");
    try {
      // Its writer lives: its never-started container is its spawn's, not an orphan, and takes a slot.
      const other = await hal2.spawn({ command: SLEEP });
      expect(other.state).toBe("running");
      const full = await hal2.spawn({ command: SLEEP }).catch((e: unknown) => e);
      expect(full).toBeInstanceOf(LimitReachedError);
      expect((full as Error).message).toBe("2 workers are active; WORKER_MAX_COUNT is 2");
      expect(await leftovers(name)).toEqual({ containers: 1, records: 1, homes: 1 });
      expect((await fleet.docker.getContainer(name).inspect()).State.Status).toBe("created");
      expect(await exists(intentFile(name))).toBe(true);
    } finally {
      await kill9(child);
    }
    const next = await hal2.spawn({ command: SLEEP });
    expect(next.state).toBe("running");
    expect(await leftovers(name)).toEqual({ containers: 0, records: 0, homes: 0 });
    expect(await exists(intentFile(name))).toBe(false);
    expect(await hal2.count()).toBe(2);
    await hal2.stopAll();
  });

  it("stop-all from the CLI during 20 API spawns: nothing runs once it returns, and it stopped exactly the spawns that succeeded", async () => {
    const spawns = range(20).map(() => hal.spawn({ command: SLEEP }));
    const settled = Promise.allSettled(spawns);
    await Promise.race(spawns.map((p) => p.then(() => undefined)));
    const flags = ["--home", hal.layout.home, "--parent-name", fleet.parentName];
    const run = await hal9000(["stop-all", "--yes", "--json", ...flags], testEnv());
    expect(run, run.stderr).toMatchObject({ code: 0 });
    // Spawns still at work when it began either gave up or were waited for and stopped.
    expect(await hal.count()).toBe(0);
    const { stopped } = JSON.parse(run.stdout) as { stopped: string[] };
    const results = await settled;
    const started = fulfilled(results);
    expect(started.length).toBeGreaterThan(0);
    for (const err of rejected(results)) {
      expect(err).toBeInstanceOf(ConflictError);
      expect(err.message).toMatch(/spawn cancelled: `stop-all` was called/);
    }
    expect(stopped).toEqual(started.map((w) => w.name).sort());
    expect(await hal.count()).toBe(0);
    const { records } = await hal.sessions.list();
    expect(records.filter((r) => r.state === "running" || r.state === "created")).toEqual([]);
  });

  it("a spawn killed after creating its container: the next spawn removes the container, record and home", async () => {
    const { child, name } = await spawnAndPause(hal.layout.home, fleet.parentName, "start");
    await kill9(child);
    // What the dead spawn left: a container never started, its record, its home, its intent.
    expect(await leftovers(name)).toEqual({ containers: 1, records: 1, homes: 1 });
    expect((await fleet.docker.getContainer(name).inspect()).State.Status).toBe("created");
    expect(await hal.sessions.read(name)).toMatchObject({ state: "created" });
    expect(await exists(intentFile(name))).toBe(true);

    const next = await hal.spawn({ command: SLEEP });
    expect(next.state).toBe("running");
    expect(await leftovers(name)).toEqual({ containers: 0, records: 0, homes: 0 });
    expect(await exists(intentFile(name))).toBe(false);
    expect(await hal.count()).toBe(1);
    await hal.stopAll();
  });

  it("a never-started worker with no intent left: stop-all removes it and its record, and keeps its home", async () => {
    const { child, name } = await spawnAndPause(hal.layout.home, fleet.parentName, "start");
    await kill9(child);
    // As if its spawner predated intents: nothing says whether that spawn made the home.
    await rm(intentFile(name));
    expect(await leftovers(name)).toEqual({ containers: 1, records: 1, homes: 1 });

    expect(await hal.stopAll()).toEqual([]);
    expect(await leftovers(name)).toEqual({ containers: 0, records: 0, homes: 1 });
    await rm(path.join(hal.layout.workers, name), { recursive: true });
  });

  it("a spawn killed before its container existed: a starting coordinator removes the home it made", async () => {
    const { child, name } = await spawnAndPause(hal.layout.home, fleet.parentName, "create");
    await kill9(child);
    expect(await leftovers(name)).toEqual({ containers: 0, records: 0, homes: 1 });
    expect(await exists(intentFile(name))).toBe(true);

    const coordinator = await fleet.open();
    const controller = new AbortController();
    const running = coordinator.runCoordinator({ signal: controller.signal });
    try {
      await waitFor("the coordinator to clean up", async () => {
        const left = await leftovers(name);
        return left.homes === 0 && !(await exists(intentFile(name)));
      });
      expect(await leftovers(name)).toEqual({ containers: 0, records: 0, homes: 0 });
      const log = await readFile(path.join(hal.layout.logs, "coordinator.log"), "utf8");
      expect(log).toContain(`removed what interrupted spawns left: home(s) ${name}`);
    } finally {
      controller.abort();
      await running;
    }
  });
});

/**
 * A Docker daemon restart, on a private dockerd (the main one serves other suites): the
 * coordinator runs here, in-process, against it; the images are a tiny parent and Debian.
 */
describe("a Docker daemon restart", () => {
  let dockerd: PrivateDockerd | undefined;
  let home: TempHome;
  let hal: Hal9000;
  const parentName = uniqueName("hal9000-test");
  const tinyParent = "hal9000-test/tiny-parent:latest";

  /** The host's network interfaces: the main daemon's docker0 must survive the private one. */
  const hostInterfaces = () =>
    readdir("/sys/class/net").then((l) => l.filter((n) => !n.startsWith("veth")).sort());
  let interfacesBefore: string[];

  beforeAll(async () => {
    interfacesBefore = await hostInterfaces();
    dockerd = await startPrivateDockerd();
    await copyImage(connectDocker(), dockerd.docker, BASE_IMAGE);
    await buildTinyImage(dockerd.docker, tinyParent, { from: BASE_IMAGE, cmd: SLEEP });
    home = await tempHome();
    hal = await Hal9000.open({
      home: home.home,
      env: testEnv(),
      flags: { parentName, parentImage: tinyParent, workerImage: BASE_IMAGE, logLevel: "debug" },
      docker: dockerd.docker,
    });
    await hal.startParent();
  });

  afterAll(async () => {
    await dockerd?.destroy();
    await home?.remove();
  });

  it("the coordinator reconnects and records worker events after it; status is true afterwards", async () => {
    const log = () => readFile(path.join(hal.layout.logs, "coordinator.log"), "utf8").catch(() => "");
    const kept = await hal.spawn({ command: SLEEP, removeOnExit: false });
    const removed = await hal.spawn({ command: SLEEP, removeOnExit: true });
    const controller = new AbortController();
    const running = hal.runCoordinator({
      signal: controller.signal,
      reconnectDelayMs: { min: 200, max: 1000 },
    });
    try {
      await waitFor("the coordinator to watch events", () =>
        log().then((t) => t.includes("watching Docker events")),
      );
      const parentBefore = await hal.parentStatus();

      await dockerd?.restart();

      await waitFor("the coordinator to watch events again", () =>
        log().then((t) => t.includes("watching Docker events again")),
      );
      expect(await log()).toMatch(/Docker event stream (ended|failed)/);
      // An event after the restart: only the coordinator can know a worker was killed.
      const late = await hal.spawn({ command: SLEEP, removeOnExit: false });
      await dockerd?.docker.getContainer(late.id).kill();
      const lateRecord = await waitFor("the late worker's record", async () => {
        const r = await hal.sessions.read(late.name);
        return r?.state === "exited" ? r : undefined;
      });
      expect(lateRecord).toMatchObject({ id: late.id, exitCode: 137 });

      // The restart stopped the workers: the kept one exited, the --rm one is gone.
      const keptInfo = await dockerd?.docker.getContainer(kept.id).inspect();
      expect(keptInfo?.State.Status).toBe("exited");
      await waitFor("the records of the workers the restart stopped", async () => {
        const k = await hal.sessions.read(kept.name);
        const r = await hal.sessions.read(removed.name);
        return k?.state === "exited" && r?.state === "ended";
      });
      expect(await hal.sessions.read(kept.name)).toMatchObject({ exitCode: keptInfo?.State.ExitCode });

      const status = await hal.status();
      const real = (await dockerd?.docker.listContainers({
        all: true,
        filters: { label: [`hal9000.parent=${parentName}`] },
      })) as Docker.ContainerInfo[];
      expect(status.parent).toMatchObject({ name: parentName, state: "running", id: parentBefore.id });
      expect(Date.parse(status.parent.startedAt ?? "")).toBeGreaterThan(
        Date.parse(parentBefore.startedAt ?? ""),
      );
      const seen = status.workers.map((w) => `${w.name} ${w.state}`).sort();
      expect(seen).toEqual(real.map((c) => `${(c.Names[0] ?? "").slice(1)} ${c.State}`).sort());
      expect(seen).toEqual([`${kept.name} exited`, `${late.name} exited`].sort());
      expect(status.sessionRecords).toBe(3);
      expect(status.corruptRecords).toBe(0);
      const { records } = await hal.sessions.list();
      expect(records.filter((r) => r.state === "running")).toEqual([]);
      expect(await hostInterfaces()).toEqual(interfacesBefore);
    } finally {
      controller.abort();
      await running;
    }
  });
});
