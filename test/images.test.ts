import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BuildFailedError, connectDocker, HAL9000_VERSION } from "@hal9000/core";
import {
  type BuildEvent,
  type BuiltImage,
  buildContextDir,
  buildImages,
  IMAGES,
  imageSizeReport,
  LABEL_CLAUDE_SIZE,
  LABEL_CLAUDE_VERSION,
  LABEL_REVISION,
  resolveClaudeVersion,
} from "@hal9000/images";
import type { StartedTestContainer } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runToCompletion, testContainer } from "./helpers/containers.js";
import { TEST_LABEL, uniqueName } from "./helpers/names.js";

const docker = connectDocker();
const owner = uniqueName("hal9000-test-images");
const testLabels = { [TEST_LABEL]: owner };
const cliBundle = join(
  dirname(createRequire(import.meta.url).resolve("@hal9000/cli/package.json")),
  "dist/bundle/hal9000.cjs",
);
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const claudeVersion = resolveClaudeVersion();
const MB = 1e6;

const built: BuiltImage[] = [];
const events: BuildEvent[] = [];

beforeAll(async () => {
  // The real images under their default tags: the other suites run on what this builds.
  built.push(
    ...(await buildImages({
      docker,
      targets: ["parent", "worker", "worker-minimal"],
      cliBundle,
      onProgress: (e) => events.push(e),
    })),
  );
});

afterAll(async () => {
  const filters = { label: [`${TEST_LABEL}=${owner}`] };
  for (const c of await docker.listContainers({ all: true, filters })) {
    await docker.getContainer(c.Id).remove({ force: true });
  }
  for (const i of await docker.listImages({ filters })) {
    await docker.getImage(i.Id).remove({ force: true });
  }
});

/** A container of `image` kept alive for execs, labelled for cleanup, as an unprivileged user. */
function keepAlive(image: string): Promise<StartedTestContainer> {
  return testContainer(image, owner).withUser("1234:1234").withCommand(["sleep", "infinity"]).start();
}

describe("building through the API", () => {
  it("builds the three images under their default tags, with hal9000's labels", async () => {
    expect(built.map((b) => [b.target, b.tag])).toEqual([
      ["parent", IMAGES.parent.defaultTag],
      ["worker", IMAGES.worker.defaultTag],
      ["worker-minimal", IMAGES["worker-minimal"].defaultTag],
    ]);
    for (const b of built) {
      const info = await docker.getImage(b.tag).inspect();
      expect(info.Id).toBe(b.id);
      expect(info.Size).toBe(b.size);
      const labels = info.Config.Labels ?? {};
      expect(labels["hal9000.version"]).toBe(HAL9000_VERSION);
      expect(labels[LABEL_REVISION]).toMatch(/^([0-9a-f]{40}|unknown)$/);
      if (b.target === "parent") expect(labels[LABEL_CLAUDE_VERSION]).toBeUndefined();
      else expect(labels[LABEL_CLAUDE_VERSION]).toBe(claudeVersion);
    }
    for (const target of ["parent", "worker", "worker-minimal"] as const) {
      const mine = events.filter((e) => e.target === target);
      expect(
        // The parent's first stage (AS docker-cli) takes the Docker client out of Debian's .deb.
        mine.some(
          (e) => e.kind === "step" && /^Step 1\/\d+ : FROM debian:bookworm-slim( AS \S+)?$/.test(e.message),
        ),
      ).toBe(true);
      expect(mine.at(-1)).toMatchObject({
        kind: "done",
        message: expect.stringContaining(IMAGES[target].defaultTag),
      });
    }
  });

  it("surfaces a step that fails on the daemon as a BuildFailedError with the daemon's message", async () => {
    const tag = `hal9000-test/broken-run:${owner}`;
    const output: string[] = [];
    const err = await buildContextDir({
      docker,
      contextDir: fixture("images-broken-run"),
      tag,
      labels: testLabels,
      onOutput: (l) => output.push(l.message),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildFailedError);
    expect((err as Error).message).toBe(
      `building ${tag} failed at Step 2/4 : RUN echo "about to fail" && exit 3: ` +
        `The command '/bin/sh -c echo "about to fail" && exit 3' returned a non-zero code: 3`,
    );
    expect(output).toContain("about to fail");
    await expect(docker.getImage(tag).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("surfaces a Dockerfile the daemon rejects with the daemon's message", async () => {
    const tag = `hal9000-test/bad-instruction:${owner}`;
    const err = await buildContextDir({
      docker,
      contextDir: fixture("images-bad-instruction"),
      tag,
      labels: testLabels,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildFailedError);
    expect((err as Error).message).toMatch(
      /^building hal9000-test\/bad-instruction:\S+ failed: .*unknown instruction: FORM/,
    );
  });

  it("a rebuild removes the image it replaced, unless another tag still names it", async () => {
    const tag = `hal9000-test/rebuild:${owner}`;
    const build = (stamp: string) =>
      buildContextDir({
        docker,
        contextDir: fixture("images-rebuild"),
        tag,
        labels: testLabels,
        buildargs: { STAMP: stamp },
      });
    const first = await build("one");
    const second = await build("two");
    expect(second.id).not.toBe(first.id);
    await expect(docker.getImage(first.id).inspect()).rejects.toMatchObject({ statusCode: 404 });

    const keep = `hal9000-test/rebuild-keep:${owner}`;
    await docker.getImage(second.id).tag({ repo: "hal9000-test/rebuild-keep", tag: owner });
    const third = await build("three");
    expect((await docker.getImage(second.id).inspect()).RepoTags).toEqual([keep]);
    expect((await docker.getImage(tag).inspect()).Id).toBe(third.id);
    await docker.getImage(keep).remove();
  });

  it("an aborted build rejects, builds nothing and leaves no temp folder", async () => {
    const workDir = await mkdtemp(join(tmpdir(), "hal9000-test-abort-"));
    const tag = `hal9000-test/aborted:${owner}`;
    const controller = new AbortController();
    try {
      const err = await buildImages({
        docker,
        targets: ["parent"],
        tags: { parent: tag },
        cliBundle,
        noCache: true,
        labels: testLabels,
        workDir,
        signal: controller.signal,
        // Abort while the daemon runs the apt-get step.
        onProgress: (e) => {
          if (e.kind === "step" && e.message.startsWith("Step 2/")) controller.abort();
        },
      }).catch((e: unknown) => e);
      expect((err as Error).name).toBe("AbortError");
      expect(await readdir(workDir)).toEqual([]);
      await expect(docker.getImage(tag).inspect()).rejects.toMatchObject({ statusCode: 404 });
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });
});

describe("the worker images", () => {
  let ultramin: StartedTestContainer;
  let minimal: StartedTestContainer;
  beforeAll(async () => {
    [ultramin, minimal] = await Promise.all([
      keepAlive(IMAGES.worker.defaultTag),
      keepAlive(IMAGES["worker-minimal"].defaultTag),
    ]);
  });
  afterAll(async () => {
    await Promise.all([ultramin?.stop({ remove: true }), minimal?.stop({ remove: true })]);
  });

  it("run `claude --version` as any UID", async () => {
    for (const c of [ultramin, minimal]) {
      const res = await c.exec(["claude", "--version"]);
      expect(res.exitCode).toBe(0);
      expect(res.stdout.trim()).toBe(`${claudeVersion} (Claude Code)`);
    }
  });

  it("give that UID a writable HOME and /workspace", async () => {
    for (const c of [ultramin, minimal]) {
      const res = await c.exec(["sh", "-c", 'echo "$HOME $(pwd)"; touch "$HOME/f" /workspace/f && id -u']);
      expect(res.stdout.trim().split("\n")).toEqual(["/home/worker /workspace", "1234"]);
    }
  });

  it("ultramin has no git, Node.js or Python", async () => {
    for (const tool of ["git", "node", "python3"]) {
      const res = await ultramin.exec(["sh", "-c", `command -v ${tool}`]);
      expect(res.exitCode, `${tool} should be absent`).not.toBe(0);
    }
  });

  it("minimal has a working git", async () => {
    const res = await minimal.exec([
      "sh",
      "-c",
      "cd /workspace && git init -q repo && cd repo && echo hi > a && git add a && " +
        "git -c user.name=t -c user.email=t@example.invalid commit -q -m first && git log --format=%s && git --version",
    ]);
    expect(res.exitCode).toBe(0);
    expect(res.stdout).toMatch(/^first\ngit version 2\.\d+/);
  });
});

describe("the parent image", () => {
  let parent: StartedTestContainer;
  beforeAll(async () => {
    // Arguments to the entrypoint run instead of the coordinator.
    parent = await testContainer(IMAGES.parent.defaultTag, owner).withCommand(["sleep", "infinity"]).start();
  });
  afterAll(async () => {
    await parent?.stop({ remove: true });
  });

  it("runs the bundled CLI", async () => {
    const res = await parent.exec(["hal9000", "--version"]);
    expect(res.exitCode).toBe(0);
    expect(res.stdout.trim()).toBe(HAL9000_VERSION);
  });

  it("has tmux, and the dashboard conf loads with panes numbered from 0", async () => {
    const res = await parent.exec([
      "sh",
      "-c",
      "tmux -V && tmux -L check -f /etc/hal9000/tmux-dashboard.conf new-session -d -s check && " +
        "tmux -L check show-options -g pane-base-index && tmux -L check kill-server",
    ]);
    expect(res.exitCode).toBe(0);
    expect(res.stdout).toMatch(/^tmux \d+\.\d+/);
    expect(res.stdout).toContain("pane-base-index 0");
  });

  it("carries the Docker client only (no daemon, no Claude CLI); HAL9000_HOME is set", async () => {
    const res = await parent.exec([
      "sh",
      "-c",
      'command -v docker claude dockerd containerd runc; docker --version; echo "home=$HAL9000_HOME"',
    ]);
    const lines = res.stdout.trim().split("\n");
    expect(lines[0]).toBe("/usr/bin/docker");
    expect(lines[1]).toMatch(/^Docker version \d+\.\d+\.\d+/);
    expect(lines.slice(2)).toEqual(["home=/root/.hal9000"]);
  });

  it("refuses to start without the Docker socket, saying how to mount it", async () => {
    const { code, stdout, stderr } = await runToCompletion(
      docker,
      testContainer(IMAGES.parent.defaultTag, owner),
    );
    const logs = stdout + stderr;
    expect(code).toBe(1);
    expect(logs).toContain("Error: Cannot connect to Docker daemon");
    expect(logs).toContain("no Docker socket at /var/run/docker.sock");
    expect(logs).toContain("-v /var/run/docker.sock:/var/run/docker.sock");
  });
});

describe("size report", () => {
  it("gives each image's size, its base's, what it adds, and for workers the Claude binary", async () => {
    const report = await imageSizeReport(docker);
    expect(report.missing).toEqual([]);
    const base = await docker.getImage("debian:bookworm-slim").inspect();
    const byTarget = Object.fromEntries(report.images.map((i) => [i.target, i]));
    for (const b of built) {
      const entry = byTarget[b.target];
      const labels = (await docker.getImage(b.tag).inspect()).Config.Labels ?? {};
      expect(entry).toMatchObject({
        tag: b.tag,
        id: b.id,
        size: b.size,
        version: HAL9000_VERSION,
        revision: labels[LABEL_REVISION],
      });
      // The ultramin worker is a trimmed copy of the base on scratch: no base layers to subtract.
      if (b.target === "worker") expect(entry).toMatchObject({ baseSize: null, aboveBase: null });
      else expect(entry).toMatchObject({ baseSize: base.Size, aboveBase: b.size - base.Size });
      if (b.target === "parent") {
        expect(entry?.claudeBinarySize).toBeNull();
      } else {
        expect(entry?.claudeVersion).toBe(claudeVersion);
        expect(entry?.claudeBinarySize).toBe(Number(labels[LABEL_CLAUDE_SIZE]));
        expect(entry?.claudeBinarySize).toBeGreaterThan(100 * MB);
        expect(entry?.overheadAboveClaude).toBe(b.size - Number(labels[LABEL_CLAUDE_SIZE]));
      }
    }
  });

  it("meets the size goals", async () => {
    const { images } = await imageSizeReport(docker);
    const get = (t: string) => images.find((i) => i.target === t);
    // The seed's parent is ~264 MB; ours carries the same Docker CLI and stays under 230 MB.
    expect(get("parent")?.size).toBeLessThanOrEqual(230 * MB);
    // The seed's ultramin carries ~263 MB besides its Claude binary; ours, trimmed, under 60 MB.
    expect(get("worker")?.overheadAboveClaude).toBeLessThanOrEqual(60 * MB);
    expect(get("worker-minimal")?.overheadAboveClaude).toBeLessThanOrEqual(150 * MB);
  });
});
