// hal9000 benchmarks. Each line is a ratio against a baseline run in this same process:
//   cli-startup  `hal9000 --version`           vs `node -e 0`
//   cli-memory   peak RSS of `hal9000 --help`  vs `node -e 0`
//   config-load  loadConfig(home)              vs reading hal9000.conf
//   list         Hal9000.list()                vs one labelled listContainers call
//   spawn        Hal9000.spawn() + stop()      vs raw create/start/stop of the same container
// Needs the built packages and, for list/spawn, a Docker engine and the images.
// Writes bench/results.json.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { Hal9000, roleFilter } from "@hal9000/core";
import { homeLayout, initHome, loadConfig } from "@hal9000/volumes";
import { compare, results } from "./harness.mjs";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..");
const bin = join(root, "packages/cli/dist/bin.js");
const rssHook = join(import.meta.dirname, "report-rss.mjs");

async function peakRssMb(args) {
  const { stderr } = await run(process.execPath, ["--import", rssHook, ...args]);
  const kib = Number(/maxrss=(\d+)/.exec(stderr)?.[1]);
  return kib / 1024;
}

await compare("cli-startup", {
  baseline: { label: "node -e 0", fn: () => run(process.execPath, ["-e", "0"]) },
  candidate: { label: "hal9000 --version", fn: () => run(process.execPath, [bin, "--version"]) },
  iterations: 15,
});

await compare("cli-memory", {
  unit: "MB",
  baseline: { label: "node -e 0", fn: () => peakRssMb(["-e", "0"]) },
  candidate: { label: "hal9000 --help", fn: () => peakRssMb([bin, "--help"]) },
  iterations: 5,
  warmup: 0,
});

const home = mkdtempSync(join(tmpdir(), "hal9000-bench-"));
try {
  const layout = homeLayout(home);
  await initHome(layout);
  await compare("config-load", {
    baseline: { label: "readFile(hal9000.conf)", fn: () => readFileSync(layout.configFile, "utf8") },
    candidate: { label: "loadConfig", fn: () => loadConfig({ home, env: {} }) },
    iterations: 200,
  });

  const parentName = `hal9000-bench-${process.pid}`;
  const hal = await Hal9000.open({ home, env: { ...process.env, HAL9000_PARENT_NAME: parentName } });
  await hal.ping();
  await compare("list", {
    baseline: {
      label: "docker.listContainers",
      fn: () => hal.docker.listContainers({ all: true, filters: roleFilter("worker", parentName) }),
    },
    candidate: { label: "Hal9000.list", fn: () => hal.list() },
    iterations: 30,
  });

  await hal.startParent();
  const project = mkdtempSync(join(tmpdir(), "hal9000-bench-project-"));
  let n = 0;
  try {
    await compare("spawn", {
      baseline: {
        label: "raw create+start+stop",
        fn: async () => {
          const c = await hal.docker.createContainer({
            Image: hal.config.workerImage,
            name: `${parentName}-raw-${n++}`,
            Cmd: ["sleep", "infinity"],
            Labels: { "hal9000-bench": parentName },
            HostConfig: {
              NetworkMode: `container:${parentName}`,
              AutoRemove: true,
              Mounts: [{ Type: "bind", Source: project, Target: "/workspace" }],
            },
          });
          await c.start();
          await c.stop({ t: 0 });
        },
      },
      candidate: {
        label: "Hal9000.spawn+stop",
        fn: async () => {
          const w = await hal.spawn({ detach: true, project, command: ["sleep", "infinity"] });
          await hal.stop(w.name);
        },
      },
      iterations: 5,
      warmup: 1,
    });
  } finally {
    await hal.stopAll().catch(() => {});
    await hal.stopParent().catch(() => {});
    await hal.docker
      .getContainer(parentName)
      .remove({ force: true })
      .catch(() => {});
    rmSync(project, { recursive: true, force: true });
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}

const out = join(dirname(new URL(import.meta.url).pathname), "results.json");
writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`);
console.log(
  JSON.stringify(
    results.map((r) => ({ name: r.name, ratio: r.ratio })),
    null,
    2,
  ),
);
