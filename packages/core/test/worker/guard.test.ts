import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../../src/vocabulary/errors.js";
import { assertNotDockerSocket, assertWorkerIsolation, dockerSocketProblem } from "../../src/worker/guard.js";

describe("dockerSocketProblem", () => {
  it.each([
    ["/var/run/docker.sock", "is a Docker socket"],
    ["/run/docker.sock", "is a Docker socket"],
    ["/home/u/.docker/desktop/docker.sock", "is a Docker socket"],
    ["/var/run", "contains the Docker socket"],
    ["/var/run/", "contains the Docker socket"],
    ["/run", "contains the Docker socket"],
    ["/var", "contains the Docker socket"],
    ["/", "contains the Docker socket"],
  ])("%s %s", (source, problem) => {
    expect(dockerSocketProblem(source)).toContain(problem);
  });

  it.each(["/home/u/project", "/run/user/1000/app", "/var/lib/app", "/srv/docker.socket.d", "/workspace"])(
    "%s is fine",
    (source) => {
      expect(dockerSocketProblem(source)).toBeUndefined();
    },
  );

  it("knows the daemon's own socket path too", () => {
    expect(dockerSocketProblem("/home/u/.colima", ["/home/u/.colima/default/docker.sock"])).toContain(
      "contains the Docker socket /home/u/.colima/default/docker.sock",
    );
    expect(dockerSocketProblem("/home/u/src", ["/home/u/.colima/default/docker.sock"])).toBeUndefined();
  });

  it("assertNotDockerSocket throws a clear InvalidInputError", () => {
    expect(() => assertNotDockerSocket("project directory", "/run")).toThrow(InvalidInputError);
    expect(() => assertNotDockerSocket("project directory", "/run")).toThrow(
      /refusing to mount the project directory: \/run contains the Docker socket/,
    );
  });
});

describe("assertWorkerIsolation", () => {
  const ok = {
    Env: ["HOME=/home/worker"],
    HostConfig: { Mounts: [{ Type: "bind" as const, Source: "/home/u/p", Target: "/workspace" }] },
  };

  it("passes a plain worker", () => {
    expect(() => assertWorkerIsolation(ok)).not.toThrow();
  });

  it("refuses a mount or bind of the socket, by source or by target", () => {
    const mount = (Source: string, Target: string) => ({
      HostConfig: { Mounts: [{ Type: "bind" as const, Source, Target }] },
    });
    expect(() => assertWorkerIsolation(mount("/var/run/docker.sock", "/tmp/d.sock"))).toThrow(
      /Docker socket/,
    );
    expect(() => assertWorkerIsolation(mount("/tmp/x", "/var/run/docker.sock"))).toThrow(
      /Docker socket's place/,
    );
    expect(() => assertWorkerIsolation(mount("/tmp/x", "/run"))).toThrow(/Docker socket's place/);
    expect(() => assertWorkerIsolation({ HostConfig: { Binds: ["/var/run:/host-run:ro"] } })).toThrow(
      /contains the Docker socket/,
    );
  });

  it("refuses DOCKER_HOST, privileged mode and added capabilities", () => {
    expect(() => assertWorkerIsolation({ ...ok, Env: ["DOCKER_HOST=tcp://10.0.0.1:2375"] })).toThrow(
      /DOCKER_HOST/,
    );
    expect(() => assertWorkerIsolation({ HostConfig: { Privileged: true } })).toThrow(/privileged/);
    expect(() => assertWorkerIsolation({ HostConfig: { CapAdd: ["SYS_ADMIN"] } })).toThrow(/SYS_ADMIN/);
  });
});
