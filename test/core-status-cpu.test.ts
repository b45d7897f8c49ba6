/**
 * `status` shows the figures the coordinator recorded (CPU use between its last two samples of
 * a worker, memory of the last), and measures live (the engine's two samples) a worker it has
 * no recent samples of.
 * The coordinator runs in-process (runCoordinator) in a HAL9000_HOME of its own, beside the
 * parent's (whose image runs its own coordinator on the fleet's home): `status` through a
 * Hal9000 on that home reads only what the in-process coordinator recorded.
 */
import { Hal9000, type WorkerStatus } from "@hal9000/core";
import { readStatsSamples, type StatsSamples, writeStatsSamples } from "@hal9000/volumes";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, hal9000 } from "./cli-harness.js";
import { type TempHome, type TestFleet, tempHome, testEnv, testFleet, waitFor } from "./helpers/index.js";

const SLEEP = ["sleep", "infinity"];
const SPIN = ["sh", "-c", "while :; do :; done"];
/** The engine's stats collector serves every caller on the daemon in turn: a busy machine slows it. */
const LONG = { timeoutMs: 90_000 };

describe("status: the coordinator's recorded samples", () => {
  let fleet: TestFleet;
  let home: TempHome;
  let hal: Hal9000;
  let controller: AbortController | undefined;
  let running: Promise<void> | undefined;

  /** Runs the coordinator on the test's home until the test ends. */
  function startCoordinator(statsIntervalMs: number) {
    controller = new AbortController();
    running = hal.runCoordinator({ signal: controller.signal, statsIntervalMs });
  }

  /** Stops the coordinator: its record stays as it last wrote it. */
  async function stopCoordinator() {
    controller?.abort();
    await running;
  }

  const recorded = () => readStatsSamples(hal.layout, fleet.parentName);
  const byName = (workers: WorkerStatus[], name: string) => {
    const w = workers.find((x) => x.name === name);
    if (!w) throw new Error(`${name} is not in status: ${JSON.stringify(workers.map((x) => x.name))}`);
    return w;
  };

  beforeAll(async () => {
    fleet = await testFleet();
    await fleet.hal.startParent();
    home = await tempHome();
    hal = await Hal9000.open({ home: home.home, env: testEnv(), flags: { parentName: fleet.parentName } });
  });

  afterEach(async () => {
    controller?.abort();
    await running?.catch(() => undefined);
    controller = undefined;
    running = undefined;
    await fleet.hal.stopAll().catch(() => undefined);
  });

  afterAll(async () => {
    await fleet?.cleanup();
    await home?.remove();
  });

  it("shows CPU use between the last two samples and the last one's memory: a spinning worker's use, an idle one's none", async () => {
    const busy = await hal.spawn({ command: SPIN });
    const idle = await hal.spawn({ command: SLEEP });
    startCoordinator(1_500);
    await waitFor(
      "two samples of both workers",
      async () => {
        const s = await recorded();
        return s[busy.id]?.length === 2 && s[idle.id]?.length === 2;
      },
      LONG,
    );
    await stopCoordinator();
    const samples = await recorded();
    const [first, last] = samples[busy.id] ?? [];
    const status = await hal.status();
    const b = byName(status.workers, busy.name);
    const i = byName(status.workers, idle.name);
    expect(b, JSON.stringify(b)).toMatchObject({
      cpuSince: first?.read,
      sampledAt: last?.read,
      memoryBytes: last?.memoryBytes,
    });
    expect(i.cpuSince, JSON.stringify(i)).toBe(samples[idle.id]?.[0]?.read);
    expect(b.cpuIntervalSeconds).toBeGreaterThanOrEqual(1);
    expect(b.cpuIntervalSeconds).toBeLessThan(15);
    // How much the spinner gets depends on the machine's load: only that it shows.
    expect(b.cpuPercent).toBeGreaterThan(2);
    expect(i.cpuPercent).toBeLessThan(1);
    expect(b.memoryBytes).toBeGreaterThan(0);
    expect(b.memoryLimitBytes).toBe(4 * 1024 ** 3);

    // The CLI's --json says the same (the built bin on the same home and parent).
    const cli = await hal9000(["status", "--json"], cliEnv(home.home, fleet.parentName));
    expect(cli.code, cli.stderr).toBe(0);
    const json = JSON.parse(cli.stdout) as { workers: WorkerStatus[] };
    expect(byName(json.workers, busy.name)).toMatchObject({
      cpuSince: first?.read,
      sampledAt: last?.read,
      cpuIntervalSeconds: b.cpuIntervalSeconds,
    });
  });

  it("measures live a worker without recent samples: none recorded, or a stale record", async () => {
    // No coordinator runs on this home: nothing is recorded for it.
    const fresh = await hal.spawn({ command: SPIN });
    const f = byName((await hal.status()).workers, fresh.name);
    expect((await recorded())[fresh.id]).toBeUndefined();
    // The engine's two samples: both after the worker started, the interval between them.
    expect(f.cpuSince, JSON.stringify(f)).toMatch(/^\d{4}-/);
    expect(Date.parse(f.cpuSince ?? "")).toBeGreaterThan(Date.parse(fresh.startedAt ?? "") - 1000);
    expect(Date.parse(f.sampledAt ?? "")).toBeGreaterThan(Date.parse(f.cpuSince ?? ""));
    expect(f.cpuIntervalSeconds).toBeGreaterThan(0);
    expect(f.cpuPercent).toBeGreaterThan(2);
    expect(f.memoryBytes).toBeGreaterThan(0);

    // Two samples a minute old (a coordinator that stopped) are not shown either.
    const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();
    const old = { cpuTotal: 0, cpuSystem: 0, onlineCpus: 2, memoryBytes: 1, memoryLimitBytes: 1 };
    const stale: StatsSamples = {
      [fresh.id]: [
        { ...old, read: ago(65) },
        { ...old, read: ago(60), cpuSystem: 1e9 },
      ],
    };
    await writeStatsSamples(hal.layout, fleet.parentName, stale);
    const again = byName((await hal.status()).workers, fresh.name);
    expect(Date.parse(again.sampledAt ?? "")).toBeGreaterThan(Date.now() - 30_000);
    expect(again.memoryBytes).toBeGreaterThan(1);
    expect(again.cpuPercent).toBeGreaterThan(2);
  });

  it("the coordinator keeps two samples per running worker and drops a worker once it stops", async () => {
    const a = await hal.spawn({ command: SLEEP });
    const b = await hal.spawn({ command: SLEEP });
    startCoordinator(500);
    const two = await waitFor(
      "two samples of each worker",
      async () => {
        const s = await recorded();
        return s[a.id]?.length === 2 && s[b.id]?.length === 2 ? s : undefined;
      },
      LONG,
    );
    expect(Date.parse(two[a.id]?.[1]?.read ?? "")).toBeGreaterThan(Date.parse(two[a.id]?.[0]?.read ?? ""));
    await hal.stop(a.name);
    const after = await waitFor(
      "the stopped worker's samples to go",
      async () => {
        const s = await recorded();
        return s[a.id] === undefined ? s : undefined;
      },
      LONG,
    );
    // Still two at most of the other one, however many rounds went by.
    expect(after[b.id]?.length).toBe(2);
  });
});
