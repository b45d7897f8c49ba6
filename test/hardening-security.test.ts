/**
 * Workers that can't hurt the host, proved on the real engine: no Docker socket, never root
 * (files in /workspace belong to the project's owner), no capabilities, no new privileges,
 * limits on memory / CPU / processes, the credential only as a read-only file (never in
 * `docker inspect`, records or output), and a parent that listens on nothing its workers
 * could talk to. The real `claude` writes a file through its Write tool, driven by a stub of
 * the Messages API on the parent's loopback.
 */
import { randomBytes } from "node:crypto";
import { chown, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Hal9000, InvalidInputError } from "@hal9000/core";
import { saveCredential } from "@hal9000/volumes";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, hal9000 } from "./cli-harness.js";
import {
  execIn,
  readAll,
  type TempHome,
  type TestFleet,
  tempDir,
  testEnv,
  testFleet,
  waitFor,
} from "./helpers/index.js";
import { startToolStub, type ToolStub } from "./helpers/tool-stub.js";

const OWNER = { uid: 4321, gid: 4322 };
const KEY = `sk-ant-api03-hal9000-stored-${randomBytes(12).toString("hex")}`;
const ENV_KEY = `sk-ant-api03-hal9000-env-${randomBytes(12).toString("hex")}`;
const OAUTH = `sk-ant-oat01-hal9000-oauth-${randomBytes(12).toString("hex")}`;
const SECRETS = [KEY, ENV_KEY, OAUTH];

let fleet: TestFleet;
let hal: Hal9000;
let docker: Docker;
let base: TempHome;
let project: string;
let stub: ToolStub;

const inspect = (name: string) => docker.getContainer(name).inspect();
const run = (name: string, cmd: string[]) => execIn(docker, name, cmd);
const noSecretIn = (what: string, text: string) => {
  for (const s of SECRETS) expect(text.includes(s), `${what} contains a credential`).toBe(false);
};
const cli = (args: string[]) => hal9000(args, cliEnv(fleet.home.home, fleet.parentName));

/** `hal9000 auth set` with the value on stdin, as a person pipes it in. */
function authSet(value: string, extra: string[] = []) {
  return hal9000(["auth", "set", ...extra], cliEnv(fleet.home.home, fleet.parentName), {
    input: `${value}\n`,
  });
}

async function waitExited(name: string) {
  return waitFor(
    `worker ${name} to exit`,
    async () => {
      const info = await inspect(name);
      return info.State.Status === "exited" ? info.State : undefined;
    },
    { timeoutMs: 120_000 },
  );
}

/** Sockets in the namespace: TCP in LISTEN, any bound UDP, listening abstract unix sockets. */
async function listeners(container: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of ["tcp", "tcp6", "udp", "udp6"]) {
    const r = await run(container, ["cat", `/proc/net/${file}`]);
    expect(r.exitCode, r.output).toBe(0);
    for (const line of r.output.trim().split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (file.startsWith("udp") || cols[3] === "0A") found.push(`${file} ${cols[1]}`);
    }
  }
  const unix = await run(container, ["cat", "/proc/net/unix"]);
  for (const line of unix.output.trim().split("\n").slice(1)) {
    const cols = line.trim().split(/\s+/);
    const listening = (Number.parseInt(cols[3] ?? "0", 16) & 0x10000) !== 0;
    if (listening && cols[7]?.startsWith("@")) found.push(`unix ${cols[7]}`);
  }
  return found;
}

beforeAll(async () => {
  base = await tempDir("hal9000-hardening-");
  project = path.join(base.home, "project");
  await mkdir(project);
  await chown(project, OWNER.uid, OWNER.gid);
  // Whoever starts the parent may have a key in their environment: the parent must not take it.
  fleet = await testFleet({ env: testEnv({ ANTHROPIC_API_KEY: ENV_KEY }) });
  docker = fleet.docker;
  hal = await fleet.open(); // no key in this one's environment: workers get the stored credential
  await fleet.hal.startParent();
}, 300_000);

afterAll(async () => {
  await fleet?.cleanup();
  await base?.remove();
});

describe("the parent", () => {
  it("alone holds the Docker socket, listens on nothing in the namespace it shares, and its coordinator only reads Docker events", async () => {
    const parent = await inspect(fleet.parentName);
    expect(parent.Mounts.some((m) => m.Destination === "/var/run/docker.sock")).toBe(true);
    noSecretIn("the parent's docker inspect", JSON.stringify(parent));

    const pidFile = path.join(fleet.home.home, "logs", "coordinator.pid");
    const pid = await waitFor("the coordinator's pid file", async () =>
      (await readFile(pidFile, "utf8")).trim(),
    );
    // Workers join this network namespace: nothing here may accept a connection from them.
    expect(await listeners(fleet.parentName)).toEqual([]);

    const cmdline = await run(fleet.parentName, ["cat", `/proc/${pid}/cmdline`]);
    expect(cmdline.output.split("\0")).toContain("coordinator");
    // The coordinator opens and closes Docker connections as it works (stats samples every few
    // seconds), so its fds and the kernel's socket tables are read at once, until one look
    // finds every socket it holds in them.
    const look = async () => {
      const r = await run(fleet.parentName, [
        "sh",
        "-c",
        `for f in /proc/${pid}/fd/*; do readlink "$f"; done; echo ---; cat /proc/net/unix; echo ---; cat /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6`,
      ]);
      const [fds = "", unix = "", inet = ""] = r.output.split("---\n");
      const sockets = [...fds.matchAll(/socket:\[(\d+)\]/g)].map((m) => m[1] as string);
      const unixInodes = new Map(
        unix
          .trim()
          .split("\n")
          .slice(1)
          .map((l) => l.trim().split(/\s+/))
          .map((c) => [c[6], c] as const),
      );
      const network = sockets.filter((inode) => inet.includes(` ${inode} `));
      // A socket found nowhere was closed between the reads: look again.
      const found = sockets.every((inode) => unixInodes.has(inode) || network.includes(inode));
      return found ? { sockets, unixInodes, network } : undefined;
    };
    const { sockets, unixInodes, network } = await waitFor("one look at the coordinator's sockets", look);
    expect(sockets.length).toBeGreaterThan(0); // the Docker API connection(s)
    expect(network, "the coordinator's network sockets").toEqual([]);
    for (const inode of sockets) {
      const entry = unixInodes.get(inode);
      // A client connection (to /var/run/docker.sock), never a listening socket.
      expect(Number.parseInt(entry?.[3] ?? "0", 16) & 0x10000, `coordinator socket ${inode} listens`).toBe(0);
    }
  });
});

describe("a worker running claude", () => {
  let name: string;
  const content = "Hello from a hardened worker\n";

  beforeAll(async () => {
    await saveCredential(hal.layout, { kind: "api-key", value: KEY });
    stub = await startToolStub(docker, fleet.parentName, {
      file: "/workspace/hello.txt",
      content,
      finalText: "I wrote hello.txt.",
    });
    const w = await hal.spawn({
      project,
      command: ["claude", "-p", "--dangerously-skip-permissions", "Write hello.txt in /workspace"],
      env: stub.env,
      removeOnExit: false,
    });
    name = w.name;
    const exited = await waitExited(name);
    const output = await readAll(await hal.logs(name));
    expect(exited.ExitCode, output).toBe(0);
    expect(output).toContain("I wrote hello.txt.");
  }, 300_000);

  it("writes /workspace/hello.txt through the Write tool as the project's owner (not root)", async () => {
    const file = path.join(project, "hello.txt");
    expect(await readFile(file, "utf8")).toBe(content);
    const s = await stat(file);
    expect({ uid: s.uid, gid: s.gid }).toEqual(OWNER);
    const requests = await stub.requests();
    expect(requests.map((r) => r.answer)).toEqual(["tool_use", "text"]);
  });

  it("(the listener probe sees a listener when there is one: the stub's port)", async () => {
    const port = stub.port.toString(16).toUpperCase().padStart(4, "0");
    expect(await listeners(fleet.parentName)).toContainEqual(`tcp 0100007F:${port}`);
  });

  it("authenticates with the stored key, read from a read-only file through apiKeyHelper", async () => {
    const requests = await stub.requests();
    expect(requests.length).toBeGreaterThan(0);
    for (const r of requests) {
      expect(r.xApiKey).toBe(KEY);
      expect(r.authorization).toBe(`Bearer ${KEY}`);
    }
    const settings = JSON.parse(
      await readFile(path.join(fleet.home.home, "workers", name, ".claude", "settings.json"), "utf8"),
    );
    expect(settings.apiKeyHelper).toBe("cat /run/hal9000/credential");
  });

  it("has no trace of the key in docker inspect, its session record, or `hal9000 status --json`", async () => {
    const info = await inspect(name);
    noSecretIn("the worker's docker inspect", JSON.stringify(info));
    noSecretIn("the parent's docker inspect", JSON.stringify(await inspect(fleet.parentName)));
    expect(info.Config.Env.some((e) => e.startsWith("ANTHROPIC_API_KEY="))).toBe(false);
    noSecretIn(
      "the session record",
      await readFile(path.join(fleet.home.home, "sessions", `${name}.json`), "utf8"),
    );
    const status = await cli(["status", "--json"]);
    expect(status.code, status.stderr).toBe(0);
    noSecretIn("status --json", status.stdout + status.stderr);
    expect(JSON.parse(status.stdout).workers.map((w: { name: string }) => w.name)).toContain(name);
    noSecretIn("the worker's output", await readAll(await hal.logs(name)));
    // The coordinator's own log and the worker logs it saves.
    const logsDir = path.join(fleet.home.home, "logs");
    const logFiles = (await readdir(logsDir)).filter((f) => f.endsWith(".log"));
    expect(logFiles).toContain("coordinator.log");
    for (const f of logFiles) noSecretIn(`logs/${f}`, await readFile(path.join(logsDir, f), "utf8"));
  });

  it("mounts exactly the project, its own Claude home and the credential file (read-only); no socket, no DOCKER_HOST", async () => {
    const info = await inspect(name);
    const mounts = info.Mounts.map((m) => ({ source: m.Source, target: m.Destination, rw: m.RW })).sort(
      (a, b) => a.target.localeCompare(b.target),
    );
    expect(mounts).toEqual([
      {
        source: path.join(fleet.home.home, "secrets", "workers", name, "group"),
        target: "/etc/group",
        rw: false,
      },
      {
        source: path.join(fleet.home.home, "secrets", "workers", name, "passwd"),
        target: "/etc/passwd",
        rw: false,
      },
      { source: path.join(fleet.home.home, "workers", name), target: "/home/worker", rw: true },
      {
        source: path.join(fleet.home.home, "secrets", "workers", name, "credential"),
        target: "/run/hal9000/credential",
        rw: false,
      },
      { source: project, target: "/workspace", rw: true },
    ]);
    expect(JSON.stringify(info.Mounts)).not.toContain("docker.sock");
    expect(info.Config.Env.some((e) => e.startsWith("DOCKER_HOST="))).toBe(false);
    // The file is private to the worker's UID on the host.
    const s = await stat(path.join(fleet.home.home, "secrets", "workers", name, "credential"));
    expect({ uid: s.uid, gid: s.gid, mode: s.mode & 0o777 }).toEqual({ ...OWNER, mode: 0o600 });
  });

  it("runs as the owner's UID:GID with every capability dropped, no-new-privileges and the default limits", async () => {
    const info = await inspect(name);
    expect(info.Config.User).toBe("4321:4322");
    expect(info.HostConfig.CapDrop).toEqual(["ALL"]);
    expect(info.HostConfig.CapAdd ?? []).toEqual([]);
    expect(info.HostConfig.SecurityOpt).toEqual(["no-new-privileges"]);
    expect(info.HostConfig.Privileged).toBe(false);
    expect(info.HostConfig.Memory).toBe(4 * 1024 ** 3); // WORKER_MEMORY 4g
    expect(info.HostConfig.NanoCpus).toBe(2e9); // WORKER_CPUS 2
    expect(info.HostConfig.PidsLimit).toBe(512); // WORKER_PIDS_LIMIT
  });
});

describe("a running worker, from the inside", () => {
  let name: string;

  beforeAll(async () => {
    // Spawned by a caller with ANTHROPIC_API_KEY in its environment, and its own limits.
    const w = await fleet.hal.spawn({
      project,
      command: ["sleep", "600"],
      memory: "256m",
      cpus: 0.5,
      pidsLimit: 64,
    });
    name = w.name;
  });

  it("is not root, has no capabilities and cannot gain privileges", async () => {
    expect((await run(name, ["id", "-u"])).output.trim()).toBe("4321");
    expect((await run(name, ["id", "-g"])).output.trim()).toBe("4322");
    const status = (await run(name, ["cat", "/proc/1/status"])).output;
    for (const cap of ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"]) {
      expect(status, cap).toMatch(new RegExp(`^${cap}:\\s+0000000000000000$`, "m"));
    }
    expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
    expect((await run(name, ["ls", "/var/run/docker.sock", "/run/docker.sock"])).exitCode).not.toBe(0);
    // The UID has a name (hal9000's read-only passwd file), and no way to become anyone else.
    expect((await run(name, ["sh", "-c", "getent passwd $(id -u) | cut -d: -f1,6"])).output.trim()).toBe(
      "worker:/home/worker",
    );
  });

  it("gets the caller's ANTHROPIC_API_KEY as a read-only file private to it, not as a variable", async () => {
    expect((await run(name, ["cat", "/run/hal9000/credential"])).output).toBe(`${ENV_KEY}\n`);
    expect((await run(name, ["stat", "-c", "%a %u:%g", "/run/hal9000/credential"])).output.trim()).toBe(
      "600 4321:4322",
    );
    const write = await run(name, ["sh", "-c", "echo x > /run/hal9000/credential"]);
    expect(write.exitCode).not.toBe(0);
    expect(write.output).toMatch(/Read-only file system/);
    const env = (await run(name, ["env"])).output;
    noSecretIn("the worker's environment", env);
    expect(env).not.toMatch(/^DOCKER_HOST=/m);
    const info = await inspect(name);
    noSecretIn("the worker's docker inspect", JSON.stringify(info));
  });

  it("has the limits it was spawned with, in inspect, in its cgroup and in status()", async () => {
    const info = await inspect(name);
    expect(info.HostConfig.Memory).toBe(256 * 1024 ** 2);
    expect(info.HostConfig.NanoCpus).toBe(5e8);
    expect(info.HostConfig.PidsLimit).toBe(64);
    const cg = await run(name, [
      "sh",
      "-c",
      "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max",
    ]);
    expect(cg.output.trim().split("\n")).toEqual([String(256 * 1024 ** 2), "64"]);

    const status = await hal.status();
    const mine = status.workers.find((w) => w.name === name);
    expect(mine?.limits).toEqual({ memoryBytes: 256 * 1024 ** 2, cpus: 0.5, pidsLimit: 64 });
    expect(mine?.user).toBe("4321:4322");
    const json = await cli(["status", "--json"]);
    const viaCli = JSON.parse(json.stdout).workers.find((w: { name: string }) => w.name === name);
    expect(viaCli.limits).toEqual({ memoryBytes: 256 * 1024 ** 2, cpus: 0.5, pidsLimit: 64 });
    noSecretIn("status --json", json.stdout);
    const human = await cli(["status"]);
    expect(human.stdout).toMatch(new RegExp(`${name}.*268 MB, 0\\.5 CPU, 64 pids.*4321:4322`));
  });
});

describe("who a worker runs as", () => {
  it("a root-owned project runs as the non-root fallback 1000:1000 (HAL9000_HOME is root's too)", async () => {
    const rootProject = path.join(base.home, "root-project");
    await mkdir(rootProject);
    const w = await hal.spawn({ project: rootProject, command: ["sleep", "600"] });
    expect((await inspect(w.name)).Config.User).toBe("1000:1000");
    expect((await run(w.name, ["id", "-u"])).output.trim()).toBe("1000");
    await hal.stop(w.name);
  });
});

describe("the Docker socket guard", () => {
  it.each([["/run"], ["/var/run"], ["/"]])(
    "refuses project %s (it holds the socket) and creates nothing",
    async (dir) => {
      const before = (await readdir(path.join(fleet.home.home, "workers"))).sort();
      const containers = (await hal.list()).length;
      const attempt = hal.spawn({ project: dir, command: ["sleep", "1"] });
      await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
      await expect(hal.spawn({ project: dir, command: ["sleep", "1"] })).rejects.toThrow(
        /refusing to mount the project directory: .* contains the Docker socket/,
      );
      expect((await readdir(path.join(fleet.home.home, "workers"))).sort()).toEqual(before);
      expect((await hal.list()).length).toBe(containers);
    },
  );

  it("refuses DOCKER_HOST in a worker's environment", async () => {
    await expect(
      hal.spawn({ env: { DOCKER_HOST: "unix:///var/run/docker.sock" }, command: ["sleep", "1"] }),
    ).rejects.toThrow(/refusing to pass DOCKER_HOST to a worker/);
  });
});

describe("an OAuth token and the host's Claude config (--mount-claude-config)", () => {
  const marker = `HAL9000-HOST-MEMORY-${randomBytes(4).toString("hex")}`;
  let name: string;
  let oauthStub: ToolStub;
  let hostHome: string;

  beforeAll(async () => {
    // `hal9000 auth set` reads the token from stdin and recognises its kind.
    const set = await authSet(OAUTH);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain("stored the Claude OAuth token");
    noSecretIn("auth set's output", set.stdout + set.stderr);
    const st = await cli(["auth", "status", "--json"]);
    expect(JSON.parse(st.stdout)).toMatchObject({ present: true, kind: "oauth-token", problems: [] });
    noSecretIn("auth status", st.stdout);

    hostHome = path.join(base.home, "host-home");
    await mkdir(path.join(hostHome, ".claude", "agents"), { recursive: true });
    await writeFile(
      path.join(hostHome, ".claude", "CLAUDE.md"),
      `# Host memory\n\nThe project codeword is ${marker}.\n`,
    );
    await writeFile(
      path.join(hostHome, ".claude", "settings.json"),
      JSON.stringify({ cleanupPeriodDays: 30 }),
    );
    oauthStub = await startToolStub(docker, fleet.parentName, {
      file: "/workspace/oauth.txt",
      content: "written with an OAuth token\n",
      finalText: "Done with OAuth.",
      marker,
    });
    const onHost = await fleet.open({ env: testEnv({ HOME: hostHome }) });
    const w = await onHost.spawn({
      project,
      command: ["claude", "-p", "--dangerously-skip-permissions", "Write oauth.txt"],
      env: oauthStub.env,
      removeOnExit: false,
      mountClaudeConfig: true,
    });
    name = w.name;
    const exited = await waitExited(name);
    expect(exited.ExitCode, await readAll(await hal.logs(name))).toBe(0);
  }, 300_000);

  it("sends the token as a Bearer token (no API key), from a read-only .credentials.json", async () => {
    const requests = await oauthStub.requests();
    expect(requests.map((r) => r.answer)).toEqual(["tool_use", "text"]);
    for (const r of requests) {
      expect(r.authorization).toBe(`Bearer ${OAUTH}`);
      expect(r.xApiKey).toBeNull();
    }
    const s = await stat(path.join(project, "oauth.txt"));
    expect({ uid: s.uid, gid: s.gid }).toEqual(OWNER);
    noSecretIn("the worker's docker inspect", JSON.stringify(await inspect(name)));
    noSecretIn(
      "the session record",
      await readFile(path.join(fleet.home.home, "sessions", `${name}.json`), "utf8"),
    );
  });

  it("sees the host's CLAUDE.md through the read-only mount, and keeps its own state in its writable home", async () => {
    const requests = await oauthStub.requests();
    expect(requests[0]?.marker).toBe(true);
    const info = await inspect(name);
    const mounts = info.Mounts.map((m) => ({ source: m.Source, target: m.Destination, rw: m.RW })).sort(
      (a, b) => a.target.localeCompare(b.target),
    );
    expect(mounts).toEqual([
      {
        source: path.join(fleet.home.home, "secrets", "workers", name, "group"),
        target: "/etc/group",
        rw: false,
      },
      {
        source: path.join(fleet.home.home, "secrets", "workers", name, "passwd"),
        target: "/etc/passwd",
        rw: false,
      },
      { source: path.join(fleet.home.home, "workers", name), target: "/home/worker", rw: true },
      { source: path.join(hostHome, ".claude"), target: "/home/worker/.claude-host", rw: false },
      {
        source: path.join(fleet.home.home, "secrets", "workers", name, ".credentials.json"),
        target: "/home/worker/.claude/.credentials.json",
        rw: false,
      },
      { source: project, target: "/workspace", rw: true },
    ]);
    const claudeDir = path.join(fleet.home.home, "workers", name, ".claude");
    // Claude saved its session in the worker's own home, not in the host's config.
    expect((await stat(path.join(claudeDir, "projects"))).isDirectory()).toBe(true);
    expect(await readdir(path.join(hostHome, ".claude"))).toEqual(expect.not.arrayContaining(["projects"]));
  });
});
