import { describe, expect, it } from "vitest";
import type { ContainerDetails } from "../../src/engine/engine.js";
import {
  compareDockerTimes,
  joinedContainer,
  type ParentNetwork,
  planNetworkRepairs,
  recreateOptions,
  restartKeepsRemoveOnExit,
  type WorkerNetwork,
  workerNetwork,
} from "../../src/fleet/recovery.js";

const PARENT_ID = "a".repeat(64);
const OLD_PARENT_ID = "b".repeat(64);

const parent: ParentNetwork = {
  name: "hal9000-parent",
  id: PARENT_ID,
  running: true,
  startedAt: "2026-11-27T10:00:05.5Z",
};

function worker(patch: Partial<WorkerNetwork>): WorkerNetwork {
  return {
    name: "hal9000-worker-1",
    id: "c".repeat(64),
    running: true,
    startedAt: "2026-11-27T10:00:06Z",
    networkMode: `container:${PARENT_ID}`,
    ...patch,
  };
}

describe("compareDockerTimes", () => {
  it("orders by nanoseconds, although Docker trims trailing zeros", () => {
    expect(
      compareDockerTimes("2026-11-27T10:00:05.06076834Z", "2026-11-27T10:00:05.060768341Z"),
    ).toBeLessThan(0);
    expect(compareDockerTimes("2026-11-27T10:00:05.060768340Z", "2026-11-27T10:00:05.06076834Z")).toBe(0);
    expect(compareDockerTimes("2026-11-27T10:00:05.1Z", "2026-11-27T10:00:05.099999999Z")).toBeGreaterThan(0);
    expect(compareDockerTimes("2026-11-27T10:00:05Z", "2026-11-27T10:00:05.000000001Z")).toBeLessThan(0);
  });

  it("orders by seconds first, across offsets", () => {
    expect(compareDockerTimes("2026-11-27T10:00:04.9Z", "2026-11-27T10:00:05Z")).toBeLessThan(0);
    expect(compareDockerTimes("2026-11-27T12:00:05+02:00", "2026-11-27T10:00:05Z")).toBe(0);
  });
});

describe("joinedContainer", () => {
  it("names the container whose namespace a worker joins", () => {
    expect(joinedContainer(`container:${PARENT_ID}`)).toBe(PARENT_ID);
    expect(joinedContainer("default")).toBeUndefined();
    expect(joinedContainer("host")).toBeUndefined();
  });
});

describe("planNetworkRepairs", () => {
  it("leaves workers started after the parent's current start alone", () => {
    expect(planNetworkRepairs(parent, [worker({})])).toEqual([]);
  });

  it("restarts a worker started before the parent's current start (its namespace died with the old run)", () => {
    const w = worker({ startedAt: "2026-11-27T10:00:05.4999Z" });
    expect(planNetworkRepairs(parent, [w])).toEqual([
      {
        name: w.name,
        id: w.id,
        action: "restart",
        reason:
          "it started at 2026-11-27T10:00:05.4999Z, before the parent's current start at 2026-11-27T10:00:05.5Z",
      },
    ]);
  });

  it("recreates a worker pinned to a parent container that was removed and created again", () => {
    const w = worker({ networkMode: `container:${OLD_PARENT_ID}`, startedAt: "2026-11-27T09:00:00Z" });
    expect(planNetworkRepairs(parent, [w])).toEqual([
      {
        name: w.name,
        id: w.id,
        action: "recreate",
        reason: `it joined container ${OLD_PARENT_ID.slice(0, 12)}, but the parent is now ${PARENT_ID.slice(0, 12)}`,
      },
    ]);
  });

  it("touches no stopped worker, no worker outside a shared namespace, nothing while the parent is down", () => {
    const old = { startedAt: "2026-11-27T09:00:00Z" };
    expect(planNetworkRepairs(parent, [worker({ ...old, running: false })])).toEqual([]);
    expect(planNetworkRepairs(parent, [worker({ ...old, networkMode: "default" })])).toEqual([]);
    expect(planNetworkRepairs({ ...parent, running: false }, [worker(old)])).toEqual([]);
    expect(planNetworkRepairs({ ...parent, startedAt: null }, [worker(old)])).toEqual([]);
  });

  it("plans each worker on its own", () => {
    const plan = planNetworkRepairs(parent, [
      worker({ name: "a", startedAt: "2026-11-27T09:00:00Z" }),
      worker({ name: "b" }),
      worker({ name: "c", networkMode: `container:${OLD_PARENT_ID}` }),
    ]);
    expect(plan.map((r) => [r.name, r.action])).toEqual([
      ["a", "restart"],
      ["c", "recreate"],
    ]);
  });
});

const inspected = {
  Id: "c".repeat(64),
  Name: "/hal9000-worker-1",
  name: "hal9000-worker-1",
  Image: "sha256:1234",
  Created: "2026-11-27T09:00:00Z",
  State: {
    Status: "running",
    Running: true,
    Paused: false,
    StartedAt: "2026-11-27T09:00:01.25Z",
    FinishedAt: "0001-01-01T00:00:00Z",
  },
  Config: {
    Image: "hal9000/worker:latest",
    Cmd: ["sleep", "infinity"],
    Entrypoint: null,
    Env: ["HOME=/home/worker", "FOO=bar", "PATH=/usr/bin"],
    User: "1000:1000",
    WorkingDir: "/workspace",
    Labels: { "hal9000.role": "worker", "hal9000.parent": "hal9000-parent" },
    Tty: true,
    OpenStdin: true,
    StdinOnce: false,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Hostname: "a1b2c3",
    StopSignal: "SIGTERM",
  },
  HostConfig: {
    NetworkMode: `container:${OLD_PARENT_ID}`,
    AutoRemove: true,
    Init: true,
    Memory: 4 * 1024 ** 3,
    NanoCpus: 2e9,
    PidsLimit: 512,
    CapDrop: ["ALL"],
    Mounts: [{ Type: "bind", Source: "/home/u/.hal9000/workers/hal9000-worker-1", Target: "/home/worker" }],
  },
} as unknown as ContainerDetails;

describe("recreateOptions", () => {
  it("keeps name, image, command, env, user, labels, mounts and limits; joins the parent by name", () => {
    const o = recreateOptions(inspected, "hal9000-parent");
    expect(o).toMatchObject({
      name: "hal9000-worker-1",
      Image: "hal9000/worker:latest",
      Cmd: ["sleep", "infinity"],
      Env: ["HOME=/home/worker", "FOO=bar", "PATH=/usr/bin"],
      User: "1000:1000",
      WorkingDir: "/workspace",
      Labels: { "hal9000.role": "worker", "hal9000.parent": "hal9000-parent" },
      Tty: true,
      OpenStdin: true,
      StopSignal: "SIGTERM",
      HostConfig: {
        ...inspected.HostConfig,
        NetworkMode: "container:hal9000-parent",
      },
    });
    expect(o.Entrypoint).toBeUndefined();
    // The joined namespace owns the hostname: Docker refuses one with a container network mode.
    expect(o).not.toHaveProperty("Hostname");
  });

  it("does not change the inspect data it copies", () => {
    recreateOptions(inspected, "p");
    expect(inspected.HostConfig.NetworkMode).toBe(`container:${OLD_PARENT_ID}`);
  });
});

describe("workerNetwork", () => {
  it("reads what the plan needs from inspect data", () => {
    expect(workerNetwork(inspected)).toEqual({
      name: "hal9000-worker-1",
      id: "c".repeat(64),
      running: true,
      startedAt: "2026-11-27T09:00:01.25Z",
      networkMode: `container:${OLD_PARENT_ID}`,
    });
  });
});

describe("restartKeepsRemoveOnExit", () => {
  it("is false before Docker 23.0, whose restart can remove an --rm container (moby#43751)", () => {
    expect(restartKeepsRemoveOnExit("20.10.24")).toBe(false);
    expect(restartKeepsRemoveOnExit("22.06.0-beta.0")).toBe(false);
    expect(restartKeepsRemoveOnExit("23.0.0")).toBe(true);
    expect(restartKeepsRemoveOnExit("27.3.1")).toBe(true);
  });

  it("trusts an engine whose version it can't read (Podman-style or dev builds)", () => {
    expect(restartKeepsRemoveOnExit("dev")).toBe(true);
  });
});
