import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Hal9000 } from "@hal9000/core";
import type { SessionRecord } from "@hal9000/volumes";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  readAll,
  type TempHome,
  type TestFleet,
  tempHome,
  testEnv,
  testFleet,
  waitFor,
} from "./helpers/index.js";

/** A real Docker client whose event streams the test can break, as a daemon restart would. */
function breakableDocker(): { docker: Docker; eventStreams: NodeJS.ReadableStream[] } {
  const docker = new Docker();
  const eventStreams: NodeJS.ReadableStream[] = [];
  const getEvents = docker.getEvents.bind(docker) as (
    o?: Docker.GetEventsOptions,
  ) => Promise<NodeJS.ReadableStream>;
  docker.getEvents = (async (options?: Docker.GetEventsOptions) => {
    const stream = await getEvents(options);
    eventStreams.push(stream);
    return stream;
  }) as typeof docker.getEvents;
  return { docker, eventStreams };
}

const SLEEP = ["sleep", "infinity"];
const DAY = 86_400_000;

function record(name: string, patch: Partial<SessionRecord>): SessionRecord {
  return {
    schemaVersion: 1,
    name,
    id: "0".repeat(64),
    image: "hal9000/worker:latest",
    parent: "hal9000-test",
    project: null,
    created: new Date().toISOString(),
    detached: true,
    removeOnExit: true,
    state: "running",
    exitCode: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    ...patch,
  };
}

/**
 * runCoordinator from the host, in a HAL9000_HOME of its own: the parent's own coordinator
 * (the image's main process) keeps the parent's home, so the two never share records.
 */
describe("the coordinator (runCoordinator)", () => {
  let fleet: TestFleet;
  let home: TempHome;
  let hal: Hal9000;
  let eventStreams: NodeJS.ReadableStream[];
  let controller: AbortController;
  let running: Promise<void>;
  let before: string;
  const logFile = (name: string) => path.join(hal.layout.logs, `${name}.log`);
  const coordinatorLog = () => readFile(path.join(hal.layout.logs, "coordinator.log"), "utf8");

  beforeAll(async () => {
    fleet = await testFleet();
    await fleet.hal.startParent();
    home = await tempHome();
    const breakable = breakableDocker();
    eventStreams = breakable.eventStreams;
    hal = await Hal9000.open({
      home: home.home,
      env: testEnv(),
      flags: { parentName: fleet.parentName },
      docker: breakable.docker,
    });
    // What a previous run left: an old finished record and its log, a record of a worker that
    // vanished while nobody watched, and a worker still running whose record is stale.
    await hal.sessions.write(
      record("hal9000-worker-old", {
        state: "ended",
        created: new Date(Date.now() - 30 * DAY).toISOString(),
        finishedAt: new Date(Date.now() - 30 * DAY).toISOString(),
      }),
    );
    await mkdir(hal.layout.logs, { recursive: true });
    await writeFile(logFile("hal9000-worker-old"), "old output\n");
    await hal.sessions.write(record("hal9000-worker-vanished", { state: "running" }));
    const w = await hal.spawn({ command: ["sh", "-c", "echo before the coordinator; exec sleep infinity"] });
    before = w.name;
    await hal.sessions.update(before, { state: "created", startedAt: null });
    controller = new AbortController();
    running = hal.runCoordinator({ signal: controller.signal });
  });

  afterAll(async () => {
    controller?.abort();
    await running?.catch(() => undefined);
    await fleet?.cleanup();
    await home?.remove();
  });

  it("writes its pid file", async () => {
    const pid = await waitFor("the pid file", () =>
      readFile(path.join(hal.layout.logs, "coordinator.pid"), "utf8").catch(() => undefined),
    );
    expect(pid).toBe(`${process.pid}\n`);
  });

  it("at start, prunes records (and logs) older than LOG_RETENTION_DAYS and reconciles the rest", async () => {
    await waitFor(
      "the stale record to end",
      async () => (await hal.sessions.read("hal9000-worker-vanished"))?.state === "ended",
    );
    expect(await hal.sessions.read("hal9000-worker-old")).toBeUndefined();
    await expect(stat(logFile("hal9000-worker-old"))).rejects.toThrow(/ENOENT/);
    const live = await waitFor("the running worker's record", async () => {
      const r = await hal.sessions.read(before);
      return r?.state === "running" ? r : undefined;
    });
    expect(live.startedAt).toMatch(/^\d{4}-/);
    const text = await coordinatorLog();
    expect(text).toMatch(/coordinator started: pid \d+, parent "hal9000-test-/);
    expect(text).toMatch(/pruned 1 session record\(s\)/);
    expect(text).toMatch(/marked ended: hal9000-worker-vanished/);
  });

  it("keeps records true to Docker events: running, exited with its code, ended when removed", async () => {
    const kept = await hal.spawn({ command: ["sh", "-c", "sleep 1; exit 4"], removeOnExit: false });
    const removed = await hal.spawn({ command: ["sh", "-c", "echo from the rm worker; sleep 1; exit 3"] });
    const k = await waitFor("the kept worker to exit", async () => {
      const r = await hal.sessions.read(kept.name);
      return r?.state === "exited" ? r : undefined;
    });
    expect(k).toMatchObject({ exitCode: 4, startedAt: expect.any(String), finishedAt: expect.any(String) });
    const r = await waitFor("the --rm worker's record to end", async () => {
      const rec = await hal.sessions.read(removed.name);
      return rec?.state === "ended" ? rec : undefined;
    });
    expect(r.exitCode).toBe(3);
    const text = await coordinatorLog();
    expect(text).toContain(`worker ${removed.name} exited with code 3`);
    expect(text).toContain(`worker ${removed.name} removed`);
  });

  it("saves each worker's output to <logs>/<worker>.log, so --rm workers leave their logs", async () => {
    const w = await hal.spawn({ command: ["sh", "-c", "echo saved for later; sleep 2"] });
    await waitFor("the worker to be gone", async () => (await hal.list()).every((x) => x.name !== w.name));
    const saved = await waitFor("the saved log", async () => {
      const text = await readFile(logFile(w.name), "utf8").catch(() => "");
      return text.includes("saved for later") ? text : undefined;
    });
    expect(saved.replaceAll("\r", "")).toBe("saved for later\n");
    // `logs` falls back to the saved file once the container is gone.
    expect((await readAll(await hal.logs(w.name))).replaceAll("\r", "")).toBe("saved for later\n");
    // A worker that was running before the coordinator started is followed too.
    await waitFor("the earlier worker's log", async () =>
      (await readFile(logFile(before), "utf8").catch(() => "")).includes("before the coordinator"),
    );
  });

  it("records a worker someone else spawned (from its labels)", async () => {
    const other = await fleet.hal.spawn({ command: SLEEP });
    const r = await waitFor("a record for it", async () => {
      const rec = await hal.sessions.read(other.name);
      return rec?.state === "running" ? rec : undefined;
    });
    expect(r).toMatchObject({
      id: other.id,
      parent: fleet.parentName,
      image: "hal9000/worker:latest",
      detached: true,
    });
  });

  it("reconnects when the event stream breaks", async () => {
    const streams = eventStreams.length;
    (eventStreams.at(-1) as unknown as { destroy(): void }).destroy();
    await waitFor("a new event stream", () => eventStreams.length > streams);
    const w = await hal.spawn({ command: ["sh", "-c", "exit 6"], removeOnExit: false });
    const r = await waitFor("the record after reconnecting", async () => {
      const rec = await hal.sessions.read(w.name);
      return rec?.state === "exited" ? rec : undefined;
    });
    expect(r.exitCode).toBe(6);
    expect(await coordinatorLog()).toMatch(/Docker event stream ended; reconnecting/);
  });
});

// Its own parent, home and coordinator: stopping the coordinator above would take it from the other tests.
describe("the coordinator's shutdown", () => {
  it("on shutdown logs the workers it leaves behind and removes its pid file", async () => {
    const fleet = await testFleet();
    const home = await tempHome();
    try {
      await fleet.hal.startParent();
      const hal = await Hal9000.open({
        home: home.home,
        env: testEnv(),
        flags: { parentName: fleet.parentName },
      });
      await Promise.all([1, 2].map(() => hal.spawn({ command: SLEEP })));
      const controller = new AbortController();
      const running = hal.runCoordinator({ signal: controller.signal });
      const coordinatorLog = () =>
        readFile(path.join(hal.layout.logs, "coordinator.log"), "utf8").catch(() => "");
      await waitFor("the coordinator to start", async () =>
        (await coordinatorLog()).includes("coordinator started"),
      );
      const left = (await hal.list())
        .filter((w) => w.state === "running")
        .map((w) => w.name)
        .sort();
      expect(left.length).toBeGreaterThanOrEqual(2);
      controller.abort();
      await running;
      await expect(stat(path.join(hal.layout.logs, "coordinator.pid"))).rejects.toThrow(/ENOENT/);
      expect(await coordinatorLog()).toContain(
        `leaving ${left.length} worker(s) running: ${left.join(", ")}`,
      );
    } finally {
      await fleet.cleanup();
      await home.remove();
    }
  });
});
