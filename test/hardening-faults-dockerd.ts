/**
 * A second, private dockerd for tests that restart the daemon: the machine's main one serves
 * other suites and CI. Its own socket, data root, exec root (its own containerd), pid file and
 * config file under one temp dir, and its own network namespace (`unshare --net`): its docker0
 * and its containers' veths live there, so it cannot touch the main daemon's networking.
 * (Not `--bridge=none`: with it dockerd deletes the host's docker0, the main daemon's bridge.)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { openSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import Docker from "dockerode";
import { readAll, tarOneFile, waitFor } from "./helpers/index.js";

export interface PrivateDockerd {
  docker: Docker;
  root: string;
  socket: string;
  /** SIGTERM, wait for it (and its containers) to stop; then start it again on the same data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it, then removes its directories. */
  destroy(): Promise<void>;
  log(): Promise<string>;
}

export async function startPrivateDockerd(): Promise<PrivateDockerd> {
  // Short: the unix socket paths under it (containerd's) must fit in 108 bytes.
  const root = await mkdtemp("/tmp/h9d-");
  const socket = path.join(root, "docker.sock");
  const logFile = path.join(root, "dockerd.log");
  const configFile = path.join(root, "daemon.json");
  await writeFile(configFile, "{}\n"); // not /etc/docker/daemon.json, which belongs to the main daemon
  const args = [
    "--net",
    "dockerd",
    `--config-file=${configFile}`,
    `--host=unix://${socket}`,
    `--data-root=${path.join(root, "data")}`,
    `--exec-root=${path.join(root, "exec")}`,
    `--pidfile=${path.join(root, "docker.pid")}`,
    "--iptables=false",
    "--ip6tables=false",
    "--ip-masq=false",
  ];
  const docker = new Docker({ socketPath: socket });
  let proc: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  async function start(): Promise<void> {
    const out = openSync(logFile, "a");
    proc = spawn("unshare", args, { detached: true, stdio: ["ignore", out, out] });
    const child = proc;
    exited = new Promise((resolve) => child.once("exit", () => resolve()));
    let failed: Error | undefined;
    child.once("error", (err) => {
      failed = err;
    });
    await waitFor(
      "the private dockerd to answer",
      async () => {
        if (failed) throw failed;
        if (child.exitCode !== null) throw new Error(`dockerd exited with ${child.exitCode}`);
        await docker.ping();
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  }

  async function stop(): Promise<void> {
    const child = proc;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const stopped = await Promise.race([
      exited.then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), 60_000)),
    ]);
    if (!stopped && child.pid) {
      process.kill(-child.pid, "SIGKILL"); // its process group: dockerd and its containerd
      await exited;
    }
    proc = undefined;
  }

  try {
    await start();
  } catch (err) {
    await stop().catch(() => undefined);
    const log = await readFile(logFile, "utf8").catch(() => "");
    await rm(root, { recursive: true, force: true }).catch(() => undefined);
    throw new Error(`cannot start a private dockerd: ${(err as Error).message}\n${log.slice(-2000)}`);
  }

  return {
    docker,
    root,
    socket,
    async restart() {
      await stop();
      await start();
    },
    stop,
    async destroy() {
      try {
        const left = await docker.listContainers({ all: true });
        await Promise.all(
          left.map((c) =>
            docker
              .getContainer(c.Id)
              .remove({ force: true })
              .catch(() => undefined),
          ),
        );
      } catch {
        // not answering: stopping it is all that is left
      }
      await stop();
      await rm(root, { recursive: true, force: true });
    },
    log: () => readFile(logFile, "utf8"),
  };
}

/** Copies an image from one daemon to another through the Engine API (save, then load). */
export async function copyImage(from: Docker, to: Docker, tag: string): Promise<void> {
  const tarball = await from.getImage(tag).get();
  const response = await to.loadImage(tarball as unknown as NodeJS.ReadableStream);
  const text = await readAll(response);
  if (/"error"/.test(text)) throw new Error(`loading ${tag}: ${text}`);
}

/** Builds a one-line image on `docker` (no RUN: needs no network): FROM base, the label, CMD. */
export async function buildTinyImage(
  docker: Docker,
  tag: string,
  opts: { from: string; cmd: string[]; labels?: Record<string, string> },
): Promise<void> {
  const labels = Object.entries(opts.labels ?? {})
    .map(([k, v]) => `LABEL ${JSON.stringify(k)}=${JSON.stringify(v)}\n`)
    .join("");
  const dockerfile = `FROM ${opts.from}\n${labels}CMD ${JSON.stringify(opts.cmd)}\n`;
  const stream = await docker.buildImage(Readable.from([tarOneFile("Dockerfile", dockerfile)]), { t: tag });
  const text = await readAll(stream);
  if (/"errorDetail"/.test(text)) throw new Error(`building ${tag}: ${text}`);
}
