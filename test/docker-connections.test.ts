/**
 * Connections resolved as the `docker` CLI resolves them, against real endpoints: the
 * machine's engine behind mutual TLS on a loopback port (certificates made here), behind an
 * sshd on a loopback port (`docker system dial-stdio` on the far side), and through Docker
 * contexts in a temp HOME pointing at each. Each connection must reach the same engine the
 * local socket reaches.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { connectDocker, DockerUnavailableError, Hal9000, InvalidInputError } from "@hal9000/core";
import { describeDockerHost, pingDocker } from "@hal9000/core/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, hal9000 } from "./cli-harness.js";
import { tempDir, uniqueName } from "./helpers/index.js";
import { type Sshd, startSshd } from "./helpers/sshd.js";
import { makeCertificates, startTlsEngine, type TlsEngine } from "./helpers/tls-engine.js";

const local = connectDocker({ env: {} });
let engineId: string;
let dir: string;
let tls: TlsEngine;
let sshd: Sshd;

const run = promisify(execFile);

/** A fresh directory under the suite's temp dir (removed with it). */
async function sub(name: string): Promise<string> {
  const p = path.join(dir, name);
  await mkdir(p, { recursive: true });
  return p;
}

/** The engine's ID as seen through a connection: equal to the local one means the same engine. */
async function engineIdVia(docker: ReturnType<typeof connectDocker>): Promise<string> {
  return ((await docker.info()) as { ID: string }).ID;
}

beforeAll(async () => {
  dir = (await tempDir("hal9000-conn-")).home;
  engineId = await engineIdVia(local);
  tls = await startTlsEngine(path.join(dir, "tls"));
  sshd = await startSshd(path.join(dir, "ssh"));
});

afterAll(async () => {
  await tls?.close();
  await sshd?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const tlsEnv = (): NodeJS.ProcessEnv => ({
  DOCKER_HOST: `tcp://${tls.host}:${tls.port}`,
  DOCKER_TLS_VERIFY: "1",
  DOCKER_CERT_PATH: tls.clientCerts,
});
const sshEnv = (): NodeJS.ProcessEnv => ({
  DOCKER_HOST: `ssh://${sshd.user}@${sshd.host}:${sshd.port}`,
  HOME: sshd.clientHome,
});

describe("DOCKER_HOST=tcp:// with DOCKER_TLS_VERIFY", () => {
  it("reaches the engine over mutual TLS", async () => {
    const docker = connectDocker({ env: tlsEnv() });
    expect(describeDockerHost(docker)).toBe(`tcp://127.0.0.1:${tls.port}`);
    const info = await pingDocker(docker);
    expect(info.apiVersion).toMatch(/^1\.\d+$/);
    expect(await engineIdVia(docker)).toBe(engineId);
  });

  it("without a client certificate the engine refuses, and the error says where", async () => {
    const certs = await sub("ca-only");
    await cp(tls.caFile, path.join(certs, "ca.pem"));
    const err = await pingDocker(connectDocker({ env: { ...tlsEnv(), DOCKER_CERT_PATH: certs } })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DockerUnavailableError);
    expect((err as Error).message).toMatch(`Cannot connect to Docker daemon at tcp://127.0.0.1:${tls.port}`);
    expect((err as DockerUnavailableError).hint).toMatch(/DOCKER_CERT_PATH/);
  });

  it("a server certificate from another CA is not trusted", async () => {
    const other = path.join(dir, "other-ca");
    await makeCertificates(other, {});
    const certs = path.join(dir, "wrong-ca");
    await cp(tls.clientCerts, certs, { recursive: true });
    await cp(path.join(other, "ca.pem"), path.join(certs, "ca.pem"));
    const err = await pingDocker(connectDocker({ env: { ...tlsEnv(), DOCKER_CERT_PATH: certs } })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DockerUnavailableError);
    expect((err as Error).message).toMatch(/certificate/);
  });

  it("the CLI talks to it too", async () => {
    const parent = uniqueName("hal9000-conn");
    const r = await hal9000(["count", "--json"], cliEnv(await sub("cli-tls"), parent, tlsEnv()));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ parent, count: 0 });
  });
});

describe("DOCKER_HOST=ssh://", () => {
  it("reaches the engine through `docker system dial-stdio` on the ssh host", async () => {
    const docker = connectDocker({ env: sshEnv() });
    expect(describeDockerHost(docker)).toBe(`ssh://${sshd.user}@127.0.0.1:${sshd.port}`);
    await pingDocker(docker);
    expect(await engineIdVia(docker)).toBe(engineId);
    expect(await sshd.log()).toMatch(`Accepted publickey for ${sshd.user} from 127.0.0.1`);
    // Many requests in a row, each on its own channel.
    const names = await Promise.all([1, 2, 3].map(() => docker.listContainers({ limit: 1 })));
    expect(names).toHaveLength(3);
  });

  it("the CLI (the npm package's entry) talks to it too", async () => {
    const parent = uniqueName("hal9000-conn");
    const r = await hal9000(["count", "--json"], cliEnv(await sub("cli-ssh"), parent, sshEnv()));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ parent, count: 0 });
  });

  it("an ssh host whose key is not in known_hosts is refused with what to do", async () => {
    const home = await sub("no-known-hosts");
    await cp(path.join(sshd.clientHome, ".ssh", "id_ed25519"), path.join(home, ".ssh", "id_ed25519"));
    const err = await pingDocker(connectDocker({ env: { ...sshEnv(), HOME: home } })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DockerUnavailableError);
    expect((err as Error).message).toBe(
      `Cannot connect to Docker daemon at ssh://${sshd.user}@127.0.0.1:${sshd.port}: its ssh host key is not in ~/.ssh/known_hosts`,
    );
    expect((err as DockerUnavailableError).hint).toBe(
      `connect once with \`ssh -p ${sshd.port} ${sshd.user}@127.0.0.1\` to check and accept the host key`,
    );
  });

  it("a key the server does not know is refused with what to do", async () => {
    const home = await sub("stranger");
    await cp(path.join(sshd.clientHome, ".ssh", "known_hosts"), path.join(home, ".ssh", "known_hosts"));
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(home, ".ssh", "id_ed25519")]);
    const err = await pingDocker(connectDocker({ env: { ...sshEnv(), HOME: home } })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DockerUnavailableError);
    expect((err as Error).message).toMatch(/ssh refused every key for/);
    expect((err as DockerUnavailableError).hint).toMatch(/authorized_keys/);
  });
});

describe("Docker contexts", () => {
  /** Writes a context as `docker context create` stores it, under HOME/.docker. */
  async function writeContext(home: string, name: string, host: string, tlsFrom?: string): Promise<void> {
    const id = createHash("sha256").update(name).digest("hex");
    const meta = path.join(home, ".docker", "contexts", "meta", id);
    await mkdir(meta, { recursive: true });
    await writeFile(
      path.join(meta, "meta.json"),
      JSON.stringify({
        Name: name,
        Metadata: {},
        Endpoints: { docker: { Host: host, SkipTLSVerify: false } },
      }),
    );
    if (tlsFrom)
      await cp(tlsFrom, path.join(home, ".docker", "contexts", "tls", id, "docker"), { recursive: true });
  }

  it("config.json's currentContext selects a TLS context with its stored certificates", async () => {
    const home = await sub("ctx-home");
    await writeContext(home, "hal9000-tls", `tcp://127.0.0.1:${tls.port}`, tls.clientCerts);
    await writeFile(
      path.join(home, ".docker", "config.json"),
      JSON.stringify({ currentContext: "hal9000-tls" }),
    );
    const docker = connectDocker({ env: { HOME: home } });
    expect(describeDockerHost(docker)).toBe(`tcp://127.0.0.1:${tls.port}`);
    expect(await engineIdVia(docker)).toBe(engineId);
  });

  it("DOCKER_CONTEXT selects an ssh context over currentContext", async () => {
    const home = path.join(dir, "ctx-ssh-home");
    await cp(sshd.clientHome, home, { recursive: true });
    await writeContext(home, "hal9000-ssh", `ssh://${sshd.user}@127.0.0.1:${sshd.port}`);
    await writeFile(path.join(home, ".docker", "config.json"), JSON.stringify({ currentContext: "missing" }));
    const docker = connectDocker({ env: { HOME: home, DOCKER_CONTEXT: "hal9000-ssh" } });
    expect(describeDockerHost(docker)).toBe(`ssh://${sshd.user}@127.0.0.1:${sshd.port}`);
    expect(await engineIdVia(docker)).toBe(engineId);
  });

  it("an unknown context is a clear error from the CLI, exit non-zero", async () => {
    const home = await sub("cli-ctx");
    const r = await hal9000(
      ["count"],
      cliEnv(home, uniqueName("hal9000-conn"), { HOME: home, DOCKER_CONTEXT: "hal9000-nope" }),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Docker context "hal9000-nope" \(from DOCKER_CONTEXT\) does not exist/);
    expect(r.stderr).toMatch(/docker context ls/);
  });
});

describe("a spawn on a remote engine", () => {
  it.each([
    ["tcp+TLS", tlsEnv],
    ["ssh", sshEnv],
  ])("is refused over %s with a clear message, and nothing is made", async (_kind, env) => {
    const home = await sub(`spawn-home-${_kind}`);
    const project = await sub(`spawn-project-${_kind}`);
    const parentName = uniqueName("hal9000-conn");
    const hal = await Hal9000.open({ home, env: { ...env(), HAL9000_PARENT_NAME: parentName } });
    const before = await local.listContainers({
      all: true,
      filters: { label: [`hal9000.parent=${parentName}`] },
    });
    const err = await hal.spawn({ project }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toMatch(
      `cannot spawn a worker on the Docker engine at ${describeDockerHost(hal.docker)} (DOCKER_HOST): it is not a local socket`,
    );
    expect((err as Error).message).toMatch(`the project ${project}`);
    const after = await local.listContainers({
      all: true,
      filters: { label: [`hal9000.parent=${parentName}`] },
    });
    expect(after).toEqual(before);
    expect(await readdir(home)).toEqual([]);
  });
});
