import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { connectDocker, describeDockerHost, dockerEndpoint } from "../../src/engine/connection.js";
import {
  contextId,
  describeEndpoint,
  type EndpointFiles,
  isRemoteEndpoint,
  resolveDockerEndpoint,
} from "../../src/engine/endpoint.js";
import { hostKeysIn } from "../../src/engine/known-hosts.js";
import { Hal9000 } from "../../src/hal9000.js";
import { InvalidInputError } from "../../src/vocabulary/errors.js";

/** An in-memory Docker config directory. */
function files(map: Record<string, string>): EndpointFiles {
  return { read: (f) => map[f], exists: (f) => f in map };
}

const HOME = "/home/u";
const meta = (name: string, docker: object) => ({
  [`${HOME}/.docker/contexts/meta/${contextId(name)}/meta.json`]: JSON.stringify({
    Name: name,
    Metadata: {},
    Endpoints: { docker },
  }),
});
const tlsFile = (name: string, f: string) => `${HOME}/.docker/contexts/tls/${contextId(name)}/docker/${f}`;

describe("resolveDockerEndpoint: DOCKER_HOST", () => {
  it.each([
    [{}, "unix:///var/run/docker.sock", "default"],
    [
      { DOCKER_HOST: "unix:///run/user/1000/docker.sock" },
      "unix:///run/user/1000/docker.sock",
      "DOCKER_HOST",
    ],
    [{ DOCKER_HOST: "unix://" }, "unix:///var/run/docker.sock", "DOCKER_HOST"],
    [{ DOCKER_HOST: "tcp://10.0.0.5:2376" }, "tcp://10.0.0.5:2376", "DOCKER_HOST"],
    [{ DOCKER_HOST: "tcp://dockerhost" }, "tcp://dockerhost:2375", "DOCKER_HOST"],
    [{ DOCKER_HOST: "dockerhost:1234" }, "tcp://dockerhost:1234", "DOCKER_HOST"],
    [{ DOCKER_HOST: "tcp://[::1]:2375" }, "tcp://[::1]:2375", "DOCKER_HOST"],
    [{ DOCKER_HOST: "ssh://me@box" }, "ssh://me@box:22", "DOCKER_HOST"],
    [{ DOCKER_HOST: "ssh://box:2222/run/docker.sock" }, "ssh://box:2222/run/docker.sock", "DOCKER_HOST"],
  ])("%j → %s", (env, where, source) => {
    const endpoint = resolveDockerEndpoint({ env, files: files({}) });
    expect(describeEndpoint(endpoint)).toBe(where);
    expect(endpoint.source).toBe(source);
  });

  it("a plain tcp host without TLS variables speaks HTTP, even on 2376", () => {
    expect(resolveDockerEndpoint({ env: { DOCKER_HOST: "tcp://h:2376" }, files: files({}) })).toEqual({
      kind: "tcp",
      host: "h",
      port: 2376,
      source: "DOCKER_HOST",
    });
  });

  it("DOCKER_TLS_VERIFY (any non-empty value, as the CLI) verifies with ca/cert/key from DOCKER_CERT_PATH", () => {
    const certs = files({ "/certs/ca.pem": "", "/certs/cert.pem": "", "/certs/key.pem": "" });
    const env = { DOCKER_HOST: "tcp://h", DOCKER_TLS_VERIFY: "0", DOCKER_CERT_PATH: "/certs" };
    expect(resolveDockerEndpoint({ env, files: certs })).toEqual({
      kind: "tcp",
      host: "h",
      port: 2376,
      source: "DOCKER_HOST",
      tls: { verify: true, ca: "/certs/ca.pem", cert: "/certs/cert.pem", key: "/certs/key.pem" },
    });
  });

  it("certificates default to ~/.docker; a missing client cert/key is left out, the CA stays required", () => {
    const env = { DOCKER_HOST: "tcp://h:9999", DOCKER_TLS_VERIFY: "1", HOME };
    const endpoint = resolveDockerEndpoint({ env, files: files({}) });
    expect(endpoint).toMatchObject({ port: 9999, tls: { verify: true, ca: `${HOME}/.docker/ca.pem` } });
    expect(endpoint.kind === "tcp" && endpoint.tls?.cert).toBeFalsy();
  });

  it("DOCKER_TLS alone encrypts without verifying the server", () => {
    const env = { DOCKER_HOST: "tcp://h:2376", DOCKER_TLS: "1", DOCKER_CONFIG: "/cfg" };
    expect(resolveDockerEndpoint({ env, files: files({}) })).toMatchObject({ tls: { verify: false } });
  });

  it("the host option wins over DOCKER_HOST", () => {
    const endpoint = resolveDockerEndpoint({ host: "unix:///x.sock", env: { DOCKER_HOST: "tcp://h:1" } });
    expect(describeEndpoint(endpoint)).toBe("unix:///x.sock");
  });

  it.each([
    ["http://h:2375", /unsupported scheme "http:\/\/"/],
    ["ssh://me:secret@box", /plain-text password is not supported/],
    ["tcp://h:2375/path", /a tcp host takes no path/],
    ["tcp://h:notaport", /cannot parse host and port/],
  ])("refuses DOCKER_HOST=%s", (value, why) => {
    const run = () => resolveDockerEndpoint({ env: { DOCKER_HOST: value }, files: files({}) });
    expect(run).toThrow(InvalidInputError);
    expect(run).toThrow(why);
  });
});

describe("resolveDockerEndpoint: contexts", () => {
  const remote = meta("remote", { Host: "tcp://10.1.2.3:2376", SkipTLSVerify: false });
  const config = (current: string) => ({
    [`${HOME}/.docker/config.json`]: JSON.stringify({ currentContext: current }),
  });

  it("uses config.json's currentContext and the context's stored TLS files", () => {
    const fs = files({
      ...config("remote"),
      ...remote,
      [tlsFile("remote", "ca.pem")]: "",
      [tlsFile("remote", "cert.pem")]: "",
      [tlsFile("remote", "key.pem")]: "",
    });
    expect(resolveDockerEndpoint({ env: { HOME }, files: fs })).toEqual({
      kind: "tcp",
      host: "10.1.2.3",
      port: 2376,
      source: 'context "remote" (from config.json)',
      tls: {
        verify: true,
        ca: tlsFile("remote", "ca.pem"),
        cert: tlsFile("remote", "cert.pem"),
        key: tlsFile("remote", "key.pem"),
      },
    });
  });

  it("a tcp context without TLS data speaks HTTP; SkipTLSVerify alone means TLS without verification", () => {
    const plain = files({ ...config("remote"), ...remote });
    expect(resolveDockerEndpoint({ env: { HOME }, files: plain })).not.toHaveProperty("tls");
    const skip = files({ ...config("s"), ...meta("s", { Host: "tcp://h:2376", SkipTLSVerify: true }) });
    expect(resolveDockerEndpoint({ env: { HOME }, files: skip })).toMatchObject({ tls: { verify: false } });
  });

  it("DOCKER_CONTEXT wins over currentContext; DOCKER_HOST wins over both", () => {
    const fs = files({ ...config("remote"), ...remote, ...meta("ssh", { Host: "ssh://me@box:2222" }) });
    const byEnv = resolveDockerEndpoint({ env: { HOME, DOCKER_CONTEXT: "ssh" }, files: fs });
    expect(describeEndpoint(byEnv)).toBe("ssh://me@box:2222");
    expect(byEnv.source).toBe('context "ssh" (from DOCKER_CONTEXT)');
    const byHost = resolveDockerEndpoint({
      env: { HOME, DOCKER_CONTEXT: "ssh", DOCKER_HOST: "unix:///h.sock" },
      files: fs,
    });
    expect(describeEndpoint(byHost)).toBe("unix:///h.sock");
  });

  it("the context named default is the default socket; DOCKER_CONFIG moves the config directory", () => {
    expect(
      describeEndpoint(resolveDockerEndpoint({ env: { HOME, DOCKER_CONTEXT: "default" }, files: files({}) })),
    ).toBe("unix:///var/run/docker.sock");
    const moved = files({
      "/cfg/config.json": JSON.stringify({ currentContext: "x" }),
      [`/cfg/contexts/meta/${contextId("x")}/meta.json`]: JSON.stringify({
        Endpoints: { docker: { Host: "unix:///x.sock" } },
      }),
    });
    expect(
      describeEndpoint(resolveDockerEndpoint({ env: { HOME, DOCKER_CONFIG: "/cfg" }, files: moved })),
    ).toBe("unix:///x.sock");
  });

  it("an unknown context is a clear error naming where it came from", () => {
    const run = () => resolveDockerEndpoint({ env: { HOME, DOCKER_CONTEXT: "nope" }, files: files({}) });
    expect(run).toThrow(InvalidInputError);
    expect(run).toThrow(/Docker context "nope" \(from DOCKER_CONTEXT\) does not exist/);
  });

  it("a corrupt config.json is a clear error", () => {
    const fs = files({ [`${HOME}/.docker/config.json`]: "{nope" });
    expect(() => resolveDockerEndpoint({ env: { HOME }, files: fs })).toThrow(
      /config\.json is not a JSON object/,
    );
  });

  it("with no HOME, no config is read", () => {
    expect(describeEndpoint(resolveDockerEndpoint({ env: {}, files: files({}) }))).toBe(
      "unix:///var/run/docker.sock",
    );
  });
});

describe("isRemoteEndpoint", () => {
  it.each([
    ["unix:///var/run/docker.sock", false],
    ["tcp://127.0.0.1:2375", true],
    ["ssh://box", true],
  ])("%s → %s", (host, remote) => {
    expect(isRemoteEndpoint(resolveDockerEndpoint({ host, env: {} }))).toBe(remote);
  });
});

describe("connectDocker", () => {
  it("an explicit env is the whole environment: process.env.DOCKER_HOST is not read", () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = "tcp://192.0.2.1:2375";
    try {
      const docker = connectDocker({ env: {} });
      expect(describeDockerHost(docker)).toBe("unix:///var/run/docker.sock");
      const modem = docker.modem as unknown as { socketPath?: string; host?: string };
      expect(modem).toMatchObject({ socketPath: "/var/run/docker.sock", host: undefined });
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  it("remembers the endpoint it resolved", () => {
    const docker = connectDocker({ env: { DOCKER_HOST: "ssh://me@box:2222" } });
    expect(dockerEndpoint(docker)).toMatchObject({ kind: "ssh", user: "me", host: "box", port: 2222 });
    expect(describeDockerHost(docker)).toBe("ssh://me@box:2222");
  });

  it("a missing TLS CA is a clear error before anything is dialled", () => {
    const env = {
      DOCKER_HOST: "tcp://h:2376",
      DOCKER_TLS_VERIFY: "1",
      DOCKER_CERT_PATH: "/nonexistent/certs",
    };
    expect(() => connectDocker({ env })).toThrow(
      /cannot read the TLS CA certificate \/nonexistent\/certs\/ca\.pem/,
    );
  });
});

describe("known_hosts", () => {
  const key = "AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyOne";
  it("matches plain, bracketed-port, wildcard and hashed entries; @revoked wins", () => {
    expect(hostKeysIn(`box ssh-ed25519 ${key}`, "box", 22)).toEqual([key]);
    expect(hostKeysIn(`box ssh-ed25519 ${key}`, "box", 2222)).toEqual([]);
    expect(hostKeysIn(`[127.0.0.1]:2222 ssh-ed25519 ${key}`, "127.0.0.1", 2222)).toEqual([key]);
    expect(hostKeysIn(`*.example.com,!bad.example.com ssh-ed25519 ${key}`, "a.example.com", 22)).toEqual([
      key,
    ]);
    expect(hostKeysIn(`*.example.com,!bad.example.com ssh-ed25519 ${key}`, "bad.example.com", 22)).toEqual(
      [],
    );
    // A line `ssh-keygen -H` wrote for "box".
    const hashed =
      "|1|eHzGtqrpfQXg/ta9AMD5hxHyr5E=|60bv1Pt6VT28u9bTaO9aPIZ05po= ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJagrjIUclXNxUB16QDUiWCClicDvWK3Q7ObKYj2MKro";
    expect(hostKeysIn(hashed, "box", 22)).toEqual([
      "AAAAC3NzaC1lZDI1NTE5AAAAIJagrjIUclXNxUB16QDUiWCClicDvWK3Q7ObKYj2MKro",
    ]);
    expect(hostKeysIn(hashed, "box2", 22)).toEqual([]);
    expect(hostKeysIn(`box ssh-ed25519 ${key}\n@revoked box ssh-ed25519 ${key}`, "box", 22)).toEqual([]);
  });
});

describe("spawn on a remote engine", () => {
  it.each(["tcp://127.0.0.1:9", "ssh://nobody@127.0.0.1:9"])(
    "is refused before Docker is contacted and nothing is made (%s)",
    async (host) => {
      const home = await mkdtemp(path.join(tmpdir(), "hal9000-remote-"));
      try {
        const hal = await Hal9000.open({
          home: path.join(home, "h"),
          env: { DOCKER_HOST: host, HOME: home },
        });
        const err = await hal.spawn({ project: home }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(InvalidInputError);
        expect((err as Error).message).toBe(
          `cannot spawn a worker on the Docker engine at ${describeDockerHost(hal.docker)} (DOCKER_HOST): it is not a local socket, ` +
            `and bind mounts (the project ${home}, the worker's Claude home) are resolved on the engine's host, not on this one`,
        );
        expect((err as InvalidInputError).hint).toMatch(/unset DOCKER_HOST and DOCKER_CONTEXT/);
        expect(await readdir(home)).toEqual([]);
      } finally {
        await rm(home, { recursive: true, force: true });
      }
    },
  );
});
