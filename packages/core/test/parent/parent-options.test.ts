import { resolveConfig } from "@hal9000/volumes";
import Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { pathContext } from "../../src/context/host-paths.js";
import { dockerEngine } from "../../src/engine/docker-engine.js";
import { forwardedConfigEnv, hostSocketPath, parentCreateOptions } from "../../src/parent/parent.js";

describe("parentCreateOptions", () => {
  const o = parentCreateOptions({
    name: "hal9000-parent",
    image: "hal9000/parent:latest",
    hostHome: "/home/u/.hal9000",
    hostSocket: "/var/run/docker.sock",
    env: { HAL9000_WORKER_IMAGE: "mine:1" },
    version: "1.2.3",
  });

  it("mounts the host's Docker socket and HAL9000_HOME", () => {
    expect(o.HostConfig?.Mounts).toEqual([
      { Type: "bind", Source: "/var/run/docker.sock", Target: "/var/run/docker.sock" },
      { Type: "bind", Source: "/home/u/.hal9000", Target: "/root/.hal9000" },
    ]);
  });

  it("tells the code inside the host paths and its own name", () => {
    expect(o.Env).toEqual(
      expect.arrayContaining([
        "HAL9000_HOST_HOME=/home/u/.hal9000",
        "HAL9000_HOST_DOCKER_SOCKET=/var/run/docker.sock",
        "HAL9000_PARENT_NAME=hal9000-parent",
        "HAL9000_HOME=/root/.hal9000",
        "HAL9000_WORKER_IMAGE=mine:1",
      ]),
    );
  });

  it("is labelled as hal9000's parent and keeps the image's entrypoint", () => {
    expect(o.Labels).toMatchObject({ "hal9000.role": "parent", "hal9000.version": "1.2.3" });
    expect(o.Cmd).toBeUndefined();
    expect(o.Entrypoint).toBeUndefined();
    expect(o.name).toBe("hal9000-parent");
    expect(o.Image).toBe("hal9000/parent:latest");
  });
});

describe("forwardedConfigEnv", () => {
  it("passes on values set by flag or env (not defaults, not file values, not directories)", () => {
    const { config, sources } = resolveConfig({
      flags: { workerMaxCount: 3, logsDir: "/elsewhere" },
      env: { HAL9000_WORKER_IMAGE: "mine:1" },
      file: { logLevel: "debug" },
    });
    expect(forwardedConfigEnv({ config, sources })).toEqual({
      HAL9000_WORKER_MAX_COUNT: "3",
      HAL9000_WORKER_IMAGE: "mine:1",
    });
  });
});

describe("hostSocketPath", () => {
  it("is the socket this client talks to on the host, the parent's recorded one inside it", () => {
    const paths = pathContext("/h", {}, "/");
    expect(
      hostSocketPath({
        engine: dockerEngine(new Docker({ socketPath: "/run/user/1000/docker.sock" })),
        env: {},
        paths,
      }),
    ).toBe("/run/user/1000/docker.sock");
    expect(
      hostSocketPath({ engine: dockerEngine(new Docker({ host: "127.0.0.1", port: 2375 })), env: {}, paths }),
    ).toBe("/var/run/docker.sock");
    const inside = pathContext("/root/.hal9000", { HAL9000_HOST_HOME: "/home/u/.hal9000" }, "/");
    expect(
      hostSocketPath({
        engine: dockerEngine(new Docker({ socketPath: "/var/run/docker.sock" })),
        env: { HAL9000_HOST_DOCKER_SOCKET: "/run/docker.sock" },
        paths: inside,
      }),
    ).toBe("/run/docker.sock");
  });
});
