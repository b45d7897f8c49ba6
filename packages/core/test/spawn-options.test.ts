import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../src/errors.js";
import {
  type SpawnOptions,
  validateSpawnOptions,
  type WorkerSpec,
  workerCreateOptions,
  workerEnv,
  workerLimits,
} from "../src/spawn-options.js";

const base: WorkerSpec = {
  name: "w1",
  image: "hal9000/worker:latest",
  parentName: "hal9000-parent",
  detach: true,
  removeOnExit: true,
  project: "/home/u/src/app",
  workerHome: "/home/u/.hal9000/workers/w1",
  user: { uid: 1000, gid: 1001 },
  env: { HOME: "/home/worker", ANTHROPIC_API_KEY: "sk-test" },
  limits: { memoryBytes: 4 * 1024 ** 3, nanoCpus: 2e9, pidsLimit: 512 },
  version: "1.2.3",
};

describe("workerCreateOptions", () => {
  it("mounts the project at /workspace and the Claude home at /home/worker, as bind mounts (never Binds)", () => {
    const o = workerCreateOptions(base);
    expect(o.HostConfig?.Mounts).toEqual([
      { Type: "bind", Source: "/home/u/src/app", Target: "/workspace" },
      { Type: "bind", Source: "/home/u/.hal9000/workers/w1", Target: "/home/worker" },
    ]);
    expect(o.HostConfig?.Binds).toBeUndefined();
    expect(o.WorkingDir).toBe("/workspace");
  });

  it("without a project mounts only the Claude home and keeps the image's working directory", () => {
    const o = workerCreateOptions({ ...base, project: null });
    expect(o.HostConfig?.Mounts).toEqual([
      { Type: "bind", Source: "/home/u/.hal9000/workers/w1", Target: "/home/worker" },
    ]);
    expect(o.WorkingDir).toBeUndefined();
    expect(o.Labels?.["hal9000.project"]).toBeUndefined();
  });

  it("joins the parent's network namespace", () => {
    expect(workerCreateOptions(base).HostConfig?.NetworkMode).toBe("container:hal9000-parent");
    expect(workerCreateOptions({ ...base, parentName: "p2" }).HostConfig?.NetworkMode).toBe("container:p2");
  });

  it("labels the worker with everything needed to find it and recreate it", () => {
    expect(workerCreateOptions(base).Labels).toEqual({
      "hal9000.role": "worker",
      "hal9000.parent": "hal9000-parent",
      "hal9000.project": "/home/u/src/app",
      "hal9000.version": "1.2.3",
      "hal9000.detached": "true",
      "hal9000.remove-on-exit": "true",
      "hal9000.worker-home": "/home/u/.hal9000/workers/w1",
    });
  });

  it("runs as the project owner's UID:GID, or the image's user when unknown", () => {
    expect(workerCreateOptions(base).User).toBe("1000:1001");
    expect(workerCreateOptions({ ...base, user: undefined }).User).toBeUndefined();
  });

  it("passes the environment as KEY=value", () => {
    expect(workerCreateOptions(base).Env).toEqual(["HOME=/home/worker", "ANTHROPIC_API_KEY=sk-test"]);
  });

  it("always has a TTY and open stdin; only an interactive worker attaches and closes stdin with the session", () => {
    const detached = workerCreateOptions(base);
    expect(detached).toMatchObject({ Tty: true, OpenStdin: true, StdinOnce: false, AttachStdin: false });
    const interactive = workerCreateOptions({ ...base, detach: false });
    expect(interactive).toMatchObject({
      Tty: true,
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
    });
    expect(interactive.Labels?.["hal9000.detached"]).toBe("false");
  });

  it("maps removeOnExit to AutoRemove", () => {
    expect(workerCreateOptions(base).HostConfig?.AutoRemove).toBe(true);
    const kept = workerCreateOptions({ ...base, removeOnExit: false });
    expect(kept.HostConfig?.AutoRemove).toBe(false);
    expect(kept.Labels?.["hal9000.remove-on-exit"]).toBe("false");
  });

  it("keeps the image's command unless one is given", () => {
    expect(workerCreateOptions(base).Cmd).toBeUndefined();
    expect(workerCreateOptions({ ...base, command: ["claude", "-p", "say hi"] }).Cmd).toEqual([
      "claude",
      "-p",
      "say hi",
    ]);
  });

  it("runs docker-init as PID 1 so a stop reaches claude", () => {
    expect(workerCreateOptions(base).HostConfig?.Init).toBe(true);
  });

  it("applies the resource limits", () => {
    expect(workerCreateOptions(base).HostConfig).toMatchObject({
      Memory: 4 * 1024 ** 3,
      NanoCpus: 2e9,
      PidsLimit: 512,
    });
  });
});

describe("workerLimits", () => {
  it("converts docker-style sizes and fractional CPUs", () => {
    expect(workerLimits({ workerMemory: "512m", workerCpus: 1.5, workerPidsLimit: 64 })).toEqual({
      memoryBytes: 512 * 1024 ** 2,
      nanoCpus: 1.5e9,
      pidsLimit: 64,
    });
  });

  it("rejects a malformed memory size", () => {
    expect(() => workerLimits({ workerMemory: "lots", workerCpus: 1, workerPidsLimit: 64 })).toThrow(
      InvalidInputError,
    );
  });
});

describe("workerEnv", () => {
  it("sets HOME and passes ANTHROPIC_API_KEY on from the caller; extra env wins", () => {
    expect(workerEnv({ ANTHROPIC_API_KEY: "sk-1", PATH: "/bin" })).toEqual({
      HOME: "/home/worker",
      ANTHROPIC_API_KEY: "sk-1",
    });
    expect(workerEnv({}, { FOO: "bar" })).toEqual({ HOME: "/home/worker", FOO: "bar" });
    expect(workerEnv({ ANTHROPIC_API_KEY: "sk-1" }, { ANTHROPIC_API_KEY: "dummy" }).ANTHROPIC_API_KEY).toBe(
      "dummy",
    );
  });
});

describe("validateSpawnOptions", () => {
  it.each<SpawnOptions>([
    {},
    {
      name: "w1",
      detach: true,
      image: "img:1",
      removeOnExit: false,
      project: ".",
      command: ["bash"],
      env: { A_1: "x" },
    },
  ])("accepts %j", (opts) => {
    expect(() => validateSpawnOptions(opts)).not.toThrow();
  });

  it.each<[SpawnOptions, RegExp]>([
    [{ name: "bad name" }, /invalid worker name/],
    [{ image: " " }, /image is empty/],
    [{ command: [] }, /command is empty/],
    [{ command: [""] }, /command is empty/],
    [{ env: { "1BAD": "x" } }, /invalid environment variable name/],
    [{ env: { "A-B": "x" } }, /invalid environment variable name/],
  ])("rejects %j", (opts, reason) => {
    expect(() => validateSpawnOptions(opts)).toThrow(reason);
    expect(() => validateSpawnOptions(opts)).toThrow(InvalidInputError);
  });
});
