/**
 * A detached spawn with a settle window, against the real engine and worker image: a worker
 * that dies at once is reported with its exit code and last output (saved to its log file,
 * recorded in its session record) instead of as spawned; one that keeps running is spawned.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { type Hal9000, WorkerExitedError } from "@hal9000/core";
import { terminalText } from "@hal9000/core/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAll, type TestFleet, testFleet, uniqueName } from "./helpers/index.js";

/** Long enough for any start here: the wait ends at the worker's exit, not at the window's end. */
const LONG_SETTLE_MS = 60_000;

/** Port 9 (discard) on the parent's loopback: nothing in a fresh parent listens there, so it refuses. */
const REFUSING_PROXY = "http://127.0.0.1:9";

let fleet: TestFleet;
let hal: Hal9000;

beforeAll(async () => {
  fleet = await testFleet();
  hal = fleet.hal;
  await hal.startParent();
});

afterAll(async () => {
  await fleet?.cleanup();
});

async function containersNamed(name: string): Promise<number> {
  const found = await fleet.docker.listContainers({ all: true, filters: { name: [name] } });
  return found.filter((c) => c.Names.includes(`/${name}`)).length;
}

async function spawnError(opts: Parameters<Hal9000["spawn"]>[0]): Promise<WorkerExitedError> {
  const err = await hal.spawn(opts).then(
    (w) => {
      throw new Error(`expected the spawn to fail, but worker ${w.name} is ${w.state}`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkerExitedError);
  return err as WorkerExitedError;
}

describe("spawn with a settle window", () => {
  it("an --rm worker that exits at once: rejects with its exit code and output, saved to its log", async () => {
    const name = uniqueName("hal9000-worker-boom");
    const err = await spawnError({
      name,
      detach: true,
      removeOnExit: true,
      command: ["sh", "-c", "echo boom; exit 3"],
      settleMs: LONG_SETTLE_MS,
    });
    const logFile = path.join(hal.layout.logs, `${name}.log`);
    expect(err).toMatchObject({
      code: "WORKER_EXITED",
      worker: name,
      exitCode: 3,
      lastOutput: ["boom"],
      logFile,
    });
    expect(err.message).toBe(`worker ${name} exited right after starting (exit code 3): boom`);
    expect(err.hint).toContain(`its whole output is in ${logFile}`);
    expect(err.hint).toContain("--no-rm");

    expect(await readFile(logFile, "utf8")).toContain("boom");
    const record = await hal.sessions.read(name);
    expect(record?.exitCode).toBe(3);
    expect(["exited", "ended"]).toContain(record?.state);
    expect(await containersNamed(name)).toBe(0);
    // `hal9000 logs` of the gone worker reads the saved output.
    expect(await readAll(await hal.logs(name))).toContain("boom");
  });

  it("a kept worker (--no-rm) that exits at once: the same error; it stays, exited", async () => {
    const name = uniqueName("hal9000-worker-kept");
    const err = await spawnError({
      name,
      detach: true,
      removeOnExit: false,
      command: ["sh", "-c", "echo first; echo to stderr >&2; exit 0"],
      settleMs: LONG_SETTLE_MS,
    });
    expect(err.exitCode).toBe(0);
    expect(err.lastOutput).toEqual(["first", "to stderr"]);
    expect(err.hint).toContain(`\`hal9000 logs ${name}\``);
    const info = await fleet.docker.getContainer(name).inspect();
    expect(info.State).toMatchObject({ Running: false, ExitCode: 0 });
    expect(await hal.sessions.read(name)).toMatchObject({ state: "exited", exitCode: 0 });
    expect(await readFile(err.logFile, "utf8")).toContain("to stderr");
  });

  it("a worker that keeps running: spawned as without the window", async () => {
    const w = await hal.spawn({ detach: true, command: ["sleep", "infinity"], settleMs: 1500 });
    expect(w.state).toBe("running");
    const info = await fleet.docker.getContainer(w.name).inspect();
    expect(info.State.Running).toBe(true);
    expect((await hal.sessions.read(w.name))?.state).toBe("running");
    await hal.stop(w.name);
  });

  it("the image's claude with a fresh home and no credential: its own words, readable", async () => {
    // Claude checks api.anthropic.com on first run. Its traffic goes to a proxy on the parent's
    // loopback (which its workers share) that refuses every connection, so Claude says it
    // cannot connect whether or not this machine has internet.
    const err = await spawnError({
      detach: true,
      settleMs: LONG_SETTLE_MS,
      env: { HTTPS_PROXY: REFUSING_PROXY },
    });
    expect(err.exitCode).toBe(1);
    expect(err.message).toMatch(/^worker hal9000-worker-\S+ exited right after starting \(exit code 1\): /);
    expect(err.message).toContain("A proxy is configured via HTTPS_PROXY");
    const said = terminalText(await readFile(err.logFile, "utf8"));
    expect(said).toContain("Unable to connect to Anthropic services");
    expect(said).toContain("Failed to connect to api.anthropic.com: ECONNREFUSED");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no escape codes may reach the user
    expect(err.message).not.toMatch(/[\x00-\x1f\x7f]/);
    // The log keeps the raw terminal output.
    expect(await readFile(err.logFile, "utf8")).toContain("\x1b[");
    expect(await containersNamed(err.worker)).toBe(0);
  });
});
