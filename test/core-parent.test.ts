import { readFile } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import { ConflictError, Hal9000, NotFoundError, ParentNotRunningError } from "@hal9000/core";
import { IMAGES, imageSizeReport } from "@hal9000/images";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testContainer } from "./helpers/containers.js";
import { execIn, type TestFleet, testEnv, testFleet, uniqueName, waitFor } from "./helpers/index.js";

describe("images (seed: test-phase1-integration.sh)", () => {
  it("the parent and worker images exist, and their sizes are reported", async () => {
    const hal = await Hal9000.open({ env: testEnv(), home: "/nonexistent-home-not-touched" });
    const report = await imageSizeReport(hal.docker);
    expect(report.missing).toEqual([]);
    const byTarget = Object.fromEntries(report.images.map((i) => [i.target, i]));
    for (const target of ["parent", "worker", "worker-minimal"] as const) {
      expect(byTarget[target]?.tag).toBe(IMAGES[target].defaultTag);
      expect(byTarget[target]?.size).toBeGreaterThan(50_000_000);
    }
    // Workers carry the ~400 MB Claude binary; the parent does not.
    expect(byTarget.worker?.size).toBeGreaterThan(byTarget.parent?.size ?? 0);
    console.info(
      `image sizes: ${report.images.map((i) => `${i.tag} ${(i.size / 1e6).toFixed(0)} MB`).join(", ")}`,
    );
  });
});

describe("parent lifecycle", () => {
  let fleet: TestFleet;
  beforeAll(async () => {
    fleet = await testFleet();
  });
  afterAll(async () => {
    await fleet.cleanup();
  });

  it("reports a parent that does not exist as missing", async () => {
    expect(await fleet.hal.parentStatus()).toEqual({ name: fleet.parentName, state: "missing" });
  });

  it("starts the parent with the socket and HAL9000_HOME mounted, labelled, host paths in its env", async () => {
    const status = await fleet.hal.startParent();
    expect(status).toMatchObject({
      name: fleet.parentName,
      state: "running",
      image: "hal9000/parent:latest",
      hostHome: fleet.home.home,
    });
    const info = await fleet.docker.getContainer(fleet.parentName).inspect();
    expect(info.Config.Labels).toMatchObject({
      "hal9000.role": "parent",
      "hal9000.version": expect.any(String),
    });
    expect(info.Config.Env).toEqual(
      expect.arrayContaining([
        `HAL9000_HOST_HOME=${fleet.home.home}`,
        `HAL9000_PARENT_NAME=${fleet.parentName}`,
      ]),
    );
    const mounts = info.Mounts.map((m) => ({ type: m.Type, source: m.Source, destination: m.Destination }));
    expect(mounts).toEqual(
      expect.arrayContaining([
        { type: "bind", source: "/var/run/docker.sock", destination: "/var/run/docker.sock" },
        { type: "bind", source: fleet.home.home, destination: "/root/.hal9000" },
      ]),
    );
    // Its main process is the coordinator (the image's entrypoint), writing into the mounted home.
    const log = await waitFor("the parent's coordinator to start", async () => {
      const text = await readFile(path.join(fleet.home.home, "logs", "coordinator.log"), "utf8").catch(
        () => "",
      );
      return text.includes("coordinator started") ? text : undefined;
    });
    expect(log).toContain(`parent "${fleet.parentName}"`);
    expect(await readFile(path.join(fleet.home.home, "logs", "coordinator.pid"), "utf8")).toMatch(/^\d+\n$/);
  });

  it("is idempotent: starting a running parent returns it unchanged", async () => {
    const before = await fleet.hal.parentStatus();
    const again = await fleet.hal.startParent();
    expect(again.id).toBe(before.id);
    expect(again.startedAt).toBe(before.startedAt);
    expect(again.state).toBe("running");
  });

  it("the Docker socket works from inside the parent", async () => {
    await waitFor(
      "the parent to be running",
      async () => (await fleet.hal.parentStatus()).state === "running",
    );
    const script =
      "require('http').get({socketPath:'/var/run/docker.sock',path:'/version'},r=>{let b='';" +
      "r.on('data',c=>b+=c);r.on('end',()=>console.log(JSON.parse(b).ApiVersion))}).on('error',e=>{console.error(e.message);process.exit(1)})";
    const result = await execIn(fleet.docker, fleet.parentName, ["node", "-e", script]);
    const engine = await fleet.hal.ping();
    expect(result).toEqual({ exitCode: 0, output: `${engine.apiVersion}\n` });
  });

  it("`docker exec <parent> docker ps` works: the parent's Docker CLI negotiates with the mounted daemon", async () => {
    const engine = await fleet.hal.ping();
    const ps = await execIn(fleet.docker, fleet.parentName, [
      "docker",
      "ps",
      "--filter",
      `name=^/${fleet.parentName}$`,
      "--format",
      "{{.Names}}",
    ]);
    expect(ps).toEqual({ exitCode: 0, output: `${fleet.parentName}\n` });
    const version = await execIn(fleet.docker, fleet.parentName, [
      "docker",
      "version",
      "--format",
      "{{.Client.APIVersion}} {{.Server.APIVersion}}",
    ]);
    // The client speaks the daemon's API version (negotiated down when the daemon is older).
    expect(version).toEqual({ exitCode: 0, output: `${engine.apiVersion} ${engine.apiVersion}\n` });
  });

  it("runs a command in the parent on the caller's terminal (as the dashboard does)", async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let out = "";
    stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const code = await fleet.hal.execInParent(["sh", "-c", 'echo "in $HAL9000_PARENT_NAME"; exit 4'], {
      stdin,
      stdout,
    });
    expect(code).toBe(4);
    expect(out).toBe(`in ${fleet.parentName}\r\n`);
  });

  it("stops, starts again (same container) and restarts", async () => {
    const running = await fleet.hal.parentStatus();
    const stopped = await fleet.hal.stopParent();
    expect(stopped).toMatchObject({ state: "exited", id: running.id });
    expect(await fleet.hal.stopParent()).toMatchObject({ state: "exited" });
    const started = await fleet.hal.startParent();
    expect(started).toMatchObject({ state: "running", id: running.id });
    const restarted = await fleet.hal.restartParent();
    expect(restarted).toMatchObject({ state: "running", id: running.id });
    expect(restarted.startedAt).not.toBe(started.startedAt);
  });

  it("stopping a parent that does not exist says missing and changes nothing", async () => {
    const other = await fleet.open({ flags: { parentName: uniqueName("hal9000-test-none") } });
    expect((await other.stopParent()).state).toBe("missing");
    const io = { stdin: new PassThrough(), stdout: new PassThrough() };
    await expect(other.execInParent(["true"], io)).rejects.toBeInstanceOf(ParentNotRunningError);
  });

  it("a missing parent image is a NotFoundError: the configured one says how to build it, any other how to get it", async () => {
    const missing = "hal9000/parent:does-not-exist";
    const parentName = uniqueName("hal9000-test-noimg");
    const configured = await fleet.open({ flags: { parentName, parentImage: missing } });
    const err = await configured.startParent().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).message).toMatch(/parent image "hal9000\/parent:does-not-exist" not found/);
    expect((err as NotFoundError).hint).toMatch(/hal9000 build parent/);
    const other = await fleet.open({ flags: { parentName } });
    const explicit = await other.startParent({ image: missing }).catch((e: unknown) => e);
    expect(explicit).toBeInstanceOf(NotFoundError);
    expect((explicit as NotFoundError).hint).toMatch(/docker image ls/);
    expect((await other.parentStatus()).state).toBe("missing");
  });
});

describe("a foreign container holding the parent's name", () => {
  let fleet: TestFleet;
  beforeAll(async () => {
    fleet = await testFleet();
    await testContainer("debian:bookworm-slim", fleet.parentName)
      .withName(fleet.parentName)
      .withCommand(["sleep", "infinity"])
      .start();
  });
  afterAll(async () => {
    await fleet.cleanup();
  });

  it("is not a parent, and is never touched: start/restart conflict, stop ignores it", async () => {
    expect(await fleet.hal.parentStatus()).toEqual({ name: fleet.parentName, state: "missing" });
    const before = await fleet.docker.getContainer(fleet.parentName).inspect();
    for (const op of [() => fleet.hal.startParent(), () => fleet.hal.restartParent()]) {
      const err = await op().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect((err as ConflictError).message).toMatch(/not a hal9000 parent/);
      expect((err as ConflictError).hint).toMatch(/PARENT_NAME/);
    }
    expect((await fleet.hal.stopParent()).state).toBe("missing");
    const after = await fleet.docker.getContainer(fleet.parentName).inspect();
    expect(after.Id).toBe(before.Id);
    expect(after.State.Running).toBe(true);
    expect(after.State.StartedAt).toBe(before.State.StartedAt);
  });
});
