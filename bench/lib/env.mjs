// The bench's own fleet: a temporary HAL9000_HOME, a parent with a unique name, a project
// folder, and runners for the hal9000 CLI, the docker CLI (baselines only: they measure Docker
// itself) and the Node API. Everything made is found again by label and removed by cleanup().
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { Hal9000 } from "@hal9000/core";

const exec = promisify(execFile);
export const root = resolve(import.meta.dirname, "../..");
export const bin = join(root, "packages/cli/dist/bin.cjs");
/** Baseline containers carry this label (value: the bench's parent name). */
export const BENCH_LABEL = "hal9000-bench";

export function createBenchEnv() {
  const id = `${process.pid}-${Date.now().toString(36)}`;
  const parentName = `hal9000-bench-${id}`;
  const home = mkdtempSync(join(tmpdir(), "hal9000-bench-home-"));
  const project = mkdtempSync(join(tmpdir(), "hal9000-bench-project-"));
  // mkdtemp makes it 0700: Claude in the worker then refuses the project's settings paths
  // ("could not be vetted") and waits at that dialog instead of starting its session.
  chmodSync(project, 0o755);
  const env = {
    ...process.env,
    HAL9000_HOME: home,
    HAL9000_PARENT_NAME: parentName,
    HAL9000_WORKER_MAX_COUNT: "200",
    NO_COLOR: "1",
    // The credential every worker gets: a dummy, for the stub (see workerEnv).
    ANTHROPIC_API_KEY: "bench-dummy-key",
  };
  let hal;
  let parentStarted = false;
  let stubEnv;
  let n = 0;
  const bench = {
    id,
    parentName,
    home,
    project,
    env,
    /** A fresh unique container name for a baseline. */
    nextName: (what) => `${parentName}-${what}-${n++}`,
    /** Runs `node <args>` (a cold process). */
    node: (args, opts = {}) => exec(process.execPath, args, { env, maxBuffer: 64 << 20, ...opts }),
    /** Runs the built hal9000 CLI in a cold process. */
    cli: (args, opts = {}) => exec(process.execPath, [bin, ...args], { env, maxBuffer: 64 << 20, ...opts }),
    docker: (args, opts = {}) => exec("docker", args, { env: process.env, maxBuffer: 64 << 20, ...opts }),
    async api() {
      hal ??= await Hal9000.open({ home, env });
      return hal;
    },
    async parent() {
      const h = await bench.api();
      if (!parentStarted) {
        await h.startParent();
        parentStarted = true;
      }
      return h;
    },
    /**
     * The environment that points a worker's Claude at the Messages API stub on the parent's
     * loopback (started once, on first use), as an object and as `-e` flags.
     */
    async workerEnv() {
      await bench.parent();
      if (!stubEnv) {
        const { startStub } = await import("./stub.mjs");
        const url = await startStub(bench);
        stubEnv = { ANTHROPIC_BASE_URL: url, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1" };
      }
      return { env: stubEnv, flags: Object.entries(stubEnv).flatMap(([k, v]) => ["-e", `${k}=${v}`]) };
    },
    /** Removes every worker of the bench parent and every baseline container, not the parent. */
    async removeContainers() {
      const h = await bench.api();
      const filters = [
        { label: [`hal9000.parent=${parentName}`] },
        { label: [`${BENCH_LABEL}=${parentName}`] },
      ];
      for (const f of filters) {
        const cs = await h.docker.listContainers({ all: true, filters: f });
        await Promise.all(
          cs.map((c) =>
            h.docker
              .getContainer(c.Id)
              .remove({ force: true })
              .catch(() => {}),
          ),
        );
      }
    },
    async cleanup() {
      if (!hal) return rmAll();
      await bench.removeContainers().catch(() => {});
      await hal.docker
        .getContainer(parentName)
        .remove({ force: true })
        .catch(() => {});
      rmAll();
    },
  };
  const rmAll = () => {
    // Worker homes are owned by the host user; the parent may have written root-owned files.
    rmSync(home, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  };
  return bench;
}
