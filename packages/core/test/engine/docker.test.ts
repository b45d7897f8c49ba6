import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  compareApiVersions,
  connectDocker,
  describeDockerHost,
  explainDockerError,
  isConnectionError,
  mapDockerError,
  pingDocker,
} from "../../src/engine/docker.js";
import {
  ConflictError,
  DockerUnavailableError,
  InvalidInputError,
  NotFoundError,
} from "../../src/vocabulary/errors.js";

const errno = (code: string) => Object.assign(new Error(`connect ${code} /var/run/docker.sock`), { code });
const apiError = (statusCode: number, message: string) =>
  Object.assign(new Error(`(HTTP code ${statusCode}) - ${message}`), { statusCode, json: { message } });

describe("explainDockerError", () => {
  it.each([
    ["ENOENT", /no socket at unix:\/\/\/x\.sock/, /-v \/var\/run\/docker\.sock:\/var\/run\/docker\.sock/],
    ["EACCES", /permission denied/, /docker group/],
    ["EPERM", /permission denied/, /docker group/],
    ["ECONNREFUSED", /daemon is not running/, /start the Docker daemon/],
    ["ECONNRESET", /daemon is not running/, /start the Docker daemon/],
  ])("%s → a DockerUnavailableError a user can act on", (code, message, hint) => {
    const err = explainDockerError(errno(code), "unix:///x.sock");
    expect(err).toBeInstanceOf(DockerUnavailableError);
    expect(err.code).toBe("DOCKER_UNAVAILABLE");
    expect(err.message).toMatch(/Cannot connect to Docker daemon/);
    expect(err.message).toMatch(message);
    expect(err.hint).toMatch(hint);
  });

  it("explains a client version the daemon refuses", () => {
    const err = explainDockerError(
      new Error("client version 1.50 is too new. Maximum supported API version is 1.41"),
      "w",
    );
    expect(err.message).toMatch(/Maximum supported API version/);
    const old = explainDockerError(
      new Error("client version 1.12 is too old. Minimum supported API version is 1.24"),
      "w",
    );
    expect(old.message).toMatch(/rejected the API version/);
    expect(old.hint).toMatch(/upgrade the Docker engine/);
  });

  it("keeps anything else, with a generic hint", () => {
    const err = explainDockerError(new Error("boom"), "tcp://h:2375");
    expect(err.message).toBe("Cannot connect to Docker daemon at tcp://h:2375: boom");
    expect(err.hint).toMatch(/DOCKER_HOST/);
  });
});

describe("compareApiVersions", () => {
  it.each([
    ["1.41", "1.41", 0],
    ["1.43", "1.41", 1],
    ["1.40", "1.41", -1],
    ["1.9", "1.41", -1],
    ["2.0", "1.41", 1],
  ])("%s vs %s", (a, b, sign) => {
    expect(Math.sign(compareApiVersions(a, b))).toBe(sign);
  });
});

describe("mapDockerError", () => {
  const docker = connectDocker({ host: "unix:///x.sock" });
  it("maps API statuses to typed errors with the daemon's words", () => {
    const nf = mapDockerError(apiError(404, "No such container: w1"), docker, "stopping worker");
    expect(nf).toBeInstanceOf(NotFoundError);
    expect(nf.message).toBe("stopping worker: No such container: w1");
    expect(mapDockerError(apiError(409, "name in use"), docker, "x")).toBeInstanceOf(ConflictError);
    expect(mapDockerError(apiError(400, "bad"), docker, "x")).toBeInstanceOf(InvalidInputError);
    const internal = mapDockerError(apiError(500, "oops"), docker, "x");
    expect(internal.code).toBe("INTERNAL");
    expect(internal.hint).toMatch(/DEBUG=hal9000/);
  });

  it("maps connection failures through explainDockerError", () => {
    expect(isConnectionError(errno("ECONNREFUSED"))).toBe(true);
    expect(isConnectionError(apiError(404, "x"))).toBe(false);
    const err = mapDockerError(errno("ENOENT"), docker, "listing workers");
    expect(err).toBeInstanceOf(DockerUnavailableError);
    expect(err.message).toMatch(/no socket at unix:\/\/\/x\.sock/);
  });
});

describe("connectDocker", () => {
  it.each([
    [undefined, {}, "unix:///var/run/docker.sock"],
    ["unix:///run/user/1000/docker.sock", {}, "unix:///run/user/1000/docker.sock"],
    [undefined, { DOCKER_HOST: "tcp://10.0.0.5:2376" }, "tcp://10.0.0.5:2376"],
    [undefined, { DOCKER_HOST: "tcp://dockerhost" }, "tcp://dockerhost:2375"],
  ])("host %s env %j → %s", (host, env, where) => {
    expect(describeDockerHost(connectDocker({ host, env }))).toBe(where);
  });
});

describe("pingDocker", () => {
  let dir: string;
  let server: Server;
  let apiVersion = "1.41";
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "hal9000-core-ping-"));
    server = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ Version: "20.10.24", ApiVersion: apiVersion, Os: "linux", Arch: "amd64" }));
    });
    await new Promise<void>((resolve) => server.listen(path.join(dir, "docker.sock"), resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it("reports the engine", async () => {
    apiVersion = "1.41";
    const info = await pingDocker(connectDocker({ host: `unix://${path.join(dir, "docker.sock")}` }));
    expect(info).toEqual({ version: "20.10.24", apiVersion: "1.41", os: "linux", arch: "amd64" });
  });

  it("refuses an engine older than API 1.41", async () => {
    apiVersion = "1.40";
    const err = await pingDocker(connectDocker({ host: `unix://${path.join(dir, "docker.sock")}` })).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(DockerUnavailableError);
    expect(err.message).toMatch(/speaks API 1\.40; hal9000 needs 1\.41/);
  });

  it("explains a missing socket", async () => {
    const err = await pingDocker(connectDocker({ host: `unix://${path.join(dir, "none.sock")}` })).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(DockerUnavailableError);
    expect(err.message).toMatch(/no socket at/);
    expect(err.hint).toMatch(/docker\.sock/);
  });
});
