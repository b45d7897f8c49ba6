/**
 * Workers on branches, for real: real containers made by hal9000, the real Claude CLI writing
 * files through its Write tool (answered by the Messages API stub on the parent's loopback), and
 * the results brought back with the user's git on the host. The user's repository has unfinished
 * work of its own (an uncommitted edit, a staged edit, an untracked file) that must come through
 * every command byte for byte.
 */
import { randomBytes } from "node:crypto";
import { lstat, readFile } from "node:fs/promises";
import path from "node:path";
import type { Hal9000, MergeConflictError, WorkerInfo } from "@hal9000/core";
import { BranchStore, checkoutPath } from "@hal9000/volumes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, hal9000 } from "./cli-harness.js";
import {
  type AnthropicStub,
  execIn,
  startStub,
  type TestFleet,
  tempDir,
  testFleet,
  waitFor,
} from "./helpers/index.js";
import { type TestRepo, testRepo, userState, userWork } from "./helpers/repo.js";

/** Worker names are container names, global on the daemon: each run of this suite gets its own. */
const RUN = randomBytes(4).toString("hex");
const n = (base: string) => `${base}-${RUN}`;
const [ta1, tb1, tc1, td1] = [n("ta1"), n("tb1"), n("tc1"), n("td1")];
const [ta2, tb2] = [n("ta2"), n("tb2")];

const ULTRAMIN = "hal9000/worker:latest";
const MINIMAL = "hal9000/worker-minimal:latest";

let fleet: TestFleet;
let hal: Hal9000;
const repos: TestRepo[] = [];
const stubs: Record<string, AnthropicStub> = {};

/** Claude, told to write a file; the stub answers with a Write tool call for that file. */
const task = (stub: AnthropicStub) => ({
  command: ["claude", "-p", "write the file you are asked for", "--dangerously-skip-permissions"],
  env: { ...stub.env, ANTHROPIC_API_KEY: "dummy" },
  removeOnExit: false,
});

async function exited(name: string): Promise<number> {
  return waitFor(
    `${name} to finish`,
    async () => {
      const info = await fleet.docker.getContainer(name).inspect();
      return info.State.Status === "exited" ? info.State.ExitCode : undefined;
    },
    { timeoutMs: 180_000 },
  );
}

async function containersNamed(name: string) {
  const all = await fleet.docker.listContainers({ all: true, filters: { name: [name] } });
  return all.filter((c) => c.Names.includes(`/${name}`));
}

async function newRepo(): Promise<TestRepo> {
  const r = await testRepo();
  repos.push(r);
  return r;
}

beforeAll(async () => {
  fleet = await testFleet({ flags: { workerMaxCount: 30 } });
  hal = fleet.hal;
  await hal.startParent();
  const stubFor = async (key: string, file: string, content: string) => {
    stubs[key] = await startStub(fleet.docker, fleet.parentName, {
      reply: `wrote ${file}`,
      write: { file: `/workspace/${file}`, content },
    });
  };
  await stubFor("a", "a.txt", "written by claude in worker a\n");
  await stubFor("b", "b.txt", "written by claude in worker b\n");
  await stubFor("c", "app.txt", "line 1\nline 2 as worker c sees it\nline 3\n");
  await stubFor("d", "app.txt", "line 1\nline 2 as worker d sees it\nline 3\n");
  await stubFor("run", "from-run.txt", "written by a hal9000 run task\n");
});

afterAll(async () => {
  await fleet?.cleanup();
  for (const r of repos) await r.remove();
});

describe("two workers on one repository through real tasks", () => {
  let repo: TestRepo;
  let other: TestRepo;
  const w: Record<string, WorkerInfo> = {};

  beforeAll(async () => {
    repo = await newRepo();
    other = await newRepo();
    const spawn = (name: string, project: TestRepo, stub: AnthropicStub, image: string) =>
      hal.spawn({ name, project: project.dir, branch: true, image, ...task(stub) }).then((info) => {
        w[name] = info;
      });
    const before = await userState(repo);
    await spawn(ta1, repo, stubs.a as AnthropicStub, ULTRAMIN);
    await spawn(tb1, repo, stubs.b as AnthropicStub, MINIMAL);
    await spawn(tc1, repo, stubs.c as AnthropicStub, MINIMAL);
    await spawn(td1, repo, stubs.d as AnthropicStub, ULTRAMIN);
    await spawn(ta2, other, stubs.a as AnthropicStub, MINIMAL);
    await spawn(tb2, other, stubs.b as AnthropicStub, ULTRAMIN);
    expect(await userState(repo)).toEqual(before);
    for (const name of Object.keys(w)) expect(await exited(name), name).toBe(0);
  }, 400_000);

  it("spawn --branch mounts the worker's checkout at /workspace, on its own branch", () => {
    expect(w[ta1]).toMatchObject({ branch: `hal9000/${ta1}`, project: checkoutPath(hal.layout, ta1) });
    expect(
      repo.git("branch", "--list", "hal9000/*", "--format=%(refname:short)").split("\n").filter(Boolean),
    ).toEqual([`hal9000/${ta1}`, `hal9000/${tb1}`, `hal9000/${tc1}`, `hal9000/${td1}`]);
  });

  it("diff shows what Claude wrote, as a new file, after the container stopped", async () => {
    const before = await userState(repo);
    const diff = await hal.diff(ta1);
    expect(await userState(repo)).toEqual(before);
    expect(diff.uncommitted).toBe(true);
    expect(diff.commits).toEqual([]);
    expect(diff.files).toEqual([{ path: "a.txt", status: "added", added: 1, deleted: 0 }]);
    expect(diff.patch).toContain("+written by claude in worker a");
  });

  it("conflicts reports the two workers on the same lines, and no overlap for the others", async () => {
    const before = await userState(repo);
    const report = await hal.conflicts();
    expect(await userState(repo)).toEqual(before);
    expect(report.overlaps).toEqual([{ repo: repo.dir, path: "app.txt", workers: [tc1, td1] }]);
    expect(report.pairs).toEqual([{ repo: repo.dir, workers: [tc1, td1], files: ["app.txt"] }]);
    expect(report.workers.map((x) => x.worker).sort()).toEqual([ta1, ta2, tb1, tb2, tc1, td1]);
  });

  it("an ultramin worker's edits come back as a commit on its branch, authored by the user", async () => {
    const before = await userState(repo);
    const res = await hal.commit(ta1, { message: "Add a.txt" });
    expect(await userState(repo)).toEqual(before);
    expect(res.files.map((f) => f.path)).toEqual(["a.txt"]);
    const log = repo.git("log", "-1", "--format=%an <%ae>%n%B", `hal9000/${ta1}`);
    expect(log).toContain("Ursula User <ursula@example.com>");
    expect(log).toContain(`Hal9000-Worker: ${ta1}`);
    expect(log).toContain(`Hal9000-Session: ${w[ta1]?.id}`);
    expect(repo.git("show", `hal9000/${ta1}:a.txt`)).toBe("written by claude in worker a\n");
  });

  it("different files merge cleanly in either order, also after the user committed meanwhile", async () => {
    for (const name of [tb1, tc1, ta2, tb2]) await hal.commit(name);
    // The user moves their branch on meanwhile: no fast-forward is possible for anyone.
    repo.git("commit", "-q", "-m", "the user's own commit");
    other.git("commit", "-q", "-m", "the user's own commit");
    for (const r of [repo, other]) {
      await r.write("staged.txt", "staged again\n");
      r.git("add", "staged.txt");
    }
    const work = { repo: await userWork(repo), other: await userWork(other) };
    const merged = [];
    merged.push(await hal.merge(ta1), await hal.merge(tb1)); // a then b
    merged.push(await hal.merge(tb2), await hal.merge(ta2)); // b then a
    expect(merged.map((m) => [m.worker, m.into, m.fastForward])).toEqual([
      [ta1, "main", false],
      [tb1, "main", false],
      [tb2, "main", false],
      [ta2, "main", false],
    ]);
    expect(await userWork(repo)).toEqual(work.repo);
    expect(await userWork(other)).toEqual(work.other);
    for (const r of [repo, other]) {
      expect(await r.read("a.txt")).toBe("written by claude in worker a\n");
      expect(await r.read("b.txt")).toBe("written by claude in worker b\n");
      expect(r.git("log", "--format=%s", "main")).toContain("the user's own commit");
    }
  });

  it("the same lines: the first merges, the second is refused and nothing changes", async () => {
    await hal.merge(tc1);
    await hal.commit(td1);
    const before = await userState(repo);
    const err = (await hal.merge(td1).catch((e: unknown) => e)) as MergeConflictError;
    expect(err.code).toBe("CONFLICT");
    expect(err.files).toEqual(["app.txt"]);
    expect(await userState(repo)).toEqual(before);
    expect(await repo.read("app.txt")).toBe("line 1\nline 2 as worker c sees it\nline 3\n");
  });
});

describe("git inside a worker-minimal worker", () => {
  it("git status, log and commit work in /workspace as the worker's non-root user, and the commit lands on its branch", async () => {
    const repo = await newRepo();
    const before = await userState(repo);
    const info = await hal.spawn({
      name: n("gitw"),
      project: repo.dir,
      branch: "feature/by-worker",
      base: "HEAD~1",
      image: MINIMAL,
      command: ["sleep", "600"],
    });
    const inside = async (cmd: string) => {
      const r = await execIn(fleet.docker, info.name, ["sh", "-c", cmd]);
      expect(r.exitCode, r.output).toBe(0);
      return r.output;
    };
    expect((await inside("id -u")).trim()).not.toBe("0");
    expect(await inside("git status --short --branch")).toMatch(/^## feature\/by-worker/);
    expect(await inside("git log --format=%s")).toBe("first\n");
    await inside(
      "echo 'by the worker' > own.txt && git add own.txt && git commit -q -m 'The worker commits'",
    );
    const diff = await hal.diff(info.name);
    expect(diff.commits.map((c) => c.subject)).toEqual(["The worker commits"]);
    expect(diff.uncommitted).toBe(false);
    expect(repo.git("log", "-1", "--format=%s", "feature/by-worker").trim()).toBe("The worker commits");
    expect(repo.git("show", "feature/by-worker:own.txt")).toBe("by the worker\n");
    // After hal9000 commits for it, the worker's own git sees a clean tree on the same branch.
    await inside("echo more >> own.txt");
    const res = await hal.commit(info.name, { message: "More" });
    expect(await inside("git status --porcelain")).toBe("");
    expect((await inside("git rev-parse HEAD")).trim()).toBe(res.commit);
    expect(await userState(repo)).toEqual(before);
  });
});

describe("hal9000 run --branch", () => {
  it("commits the task's work to its branch when it ends; diff and merge work after its container is gone", async () => {
    const repo = await newRepo();
    const before = await userState(repo);
    const runner = n("runner");
    const env = cliEnv(fleet.home.home, fleet.parentName, {
      ANTHROPIC_API_KEY: "dummy",
      HAL9000_WORKER_MAX_COUNT: "30",
    });
    const stubFlags = Object.entries((stubs.run as AnthropicStub).env).flatMap(([k, v]) => [
      "-e",
      `${k}=${v}`,
    ]);
    const r = await hal9000(
      [
        "run",
        "--branch",
        "task/readme",
        repo.dir,
        "-n",
        runner,
        "-p",
        "write from-run.txt",
        "--allowed-tools",
        "Write",
        ...stubFlags,
      ],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/branch task\/readme: 1 file\(s\) committed as [0-9a-f]{12}/);
    expect(await userState(repo)).toEqual(before);
    expect(await containersNamed(runner)).toEqual([]);
    expect(repo.git("log", "-1", "--format=%s%n%b", "task/readme")).toMatch(
      new RegExp(`^hal9000 run: write from-run.txt\n[\\s\\S]*Hal9000-Worker: ${runner}`),
    );
    const diff = JSON.parse((await hal9000(["diff", runner, "--json"], env)).stdout);
    expect(diff).toMatchObject({
      branch: "task/readme",
      uncommitted: false,
      files: [{ path: "from-run.txt", status: "added" }],
    });
    const work = await userWork(repo);
    const merged = await hal9000(["merge", runner], env);
    expect(merged.code, merged.stderr).toBe(0);
    expect(await repo.read("from-run.txt")).toBe("written by a hal9000 run task\n");
    expect(await userWork(repo)).toEqual(work);
  });
});

describe("ten parallel spawn --branch on one repository", () => {
  it("gives ten running workers ten intact checkouts on ten branches", async () => {
    const repo = await newRepo();
    const before = await userState(repo);
    const names = Array.from({ length: 10 }, (_, i) => n(`par${i}`));
    const infos = await Promise.all(
      names.map((name) =>
        hal.spawn({ name, project: repo.dir, branch: true, image: MINIMAL, command: ["sleep", "600"] }),
      ),
    );
    expect(await userState(repo)).toEqual(before);
    expect(new Set(infos.map((i) => i.project)).size).toBe(10);
    expect(
      repo
        .git("branch", "--list", `hal9000/par*-${RUN}`, "--format=%(refname:short)")
        .split("\n")
        .filter(Boolean),
    ).toEqual(names.map((n) => `hal9000/${n}`));
    for (const name of names) {
      const r = await execIn(fleet.docker, name, [
        "sh",
        "-c",
        "git status --porcelain --branch && cat app.txt",
      ]);
      expect(r.exitCode, r.output).toBe(0);
      expect(r.output).toBe(`## hal9000/${name}\nline 1\nline 2\nline 3\n`);
    }
  });
});

describe("the CLI: bad input leaves nothing behind; stop keeps uncommitted work", () => {
  const env = () => cliEnv(fleet.home.home, fleet.parentName, { HAL9000_WORKER_MAX_COUNT: "30" });
  const noBranchLeft = async (repo: TestRepo | undefined, name: string, branch = `hal9000/${name}`) => {
    if (repo) expect(repo.git("branch", "--list", branch)).toBe("");
    await expect(lstat(checkoutPath(hal.layout, name))).rejects.toThrow(/ENOENT/);
    expect(await new BranchStore(hal.layout).read(name)).toBeUndefined();
  };
  const nothingLeft = async (repo: TestRepo | undefined, name: string, branch = `hal9000/${name}`) => {
    await noBranchLeft(repo, name, branch);
    expect(await hal.sessions.read(name)).toBeUndefined();
    expect(await containersNamed(name)).toEqual([]);
  };

  it("a project that is not a git repository", async () => {
    const plain = await tempDir();
    const name = n("bad1");
    try {
      const r = await hal9000(["spawn", "-d", "-n", name, "--branch", plain.home], env());
      expect(r.code).toBe(125);
      expect(r.stderr).toMatch(/--branch needs a git repository, and .* is not in one/);
      await nothingLeft(undefined, name);
    } finally {
      await plain.remove();
    }
  });

  it("an unknown --base", async () => {
    const repo = await newRepo();
    const before = await userState(repo);
    const name = n("bad2");
    const r = await hal9000(["spawn", "-d", "-n", name, "--branch", "--base", "nope", repo.dir], env());
    expect(r.code).toBe(125);
    expect(r.stderr).toContain('--base "nope" is not a commit');
    await nothingLeft(repo, name);
    expect(await userState(repo)).toEqual(before);
  });

  it("a branch name that exists", async () => {
    const repo = await newRepo();
    repo.git("branch", "taken");
    const name = n("bad3");
    const r = await hal9000(["spawn", "-d", "-n", name, "--branch", "taken", repo.dir, "--json"], env());
    expect(r.code).toBe(125);
    expect(JSON.parse(r.stdout).error).toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining('branch "taken" already exists'),
    });
    await nothingLeft(repo, name, "nothing");
    expect(repo.git("rev-parse", "taken")).toBe(repo.git("rev-parse", "HEAD"));
  });

  it("a spawn refused after its branch was made (the name belongs to another worker) undoes the branch and checkout", async () => {
    const repo = await newRepo();
    const name = n("plain1");
    await hal.spawn({ name, image: MINIMAL, command: ["sleep", "600"] });
    const r = await hal9000(["spawn", "-d", "-n", name, "--branch", repo.dir], env());
    expect(r.code).toBe(125);
    expect(r.stderr).toContain(`a worker named "${name}" already exists`);
    expect(repo.git("branch", "--list", `hal9000/${name}`)).toBe("");
    await expect(lstat(checkoutPath(hal.layout, name))).rejects.toThrow(/ENOENT/);
    expect(await new BranchStore(hal.layout).read(name)).toBeUndefined();
  });

  it("stop and stop-all say which workers left uncommitted work, and keep it; discard removes it", async () => {
    const repo = await newRepo();
    const keep1 = n("keep1");
    // A worker that stays up without reaching Claude's API (readiness would see an offline Claude exit).
    const made = await hal.spawn({
      name: keep1,
      project: repo.dir,
      branch: true,
      image: MINIMAL,
      removeOnExit: false,
      command: ["sleep", "600"],
    });
    expect(made.branch).toBe(`hal9000/${keep1}`);
    await execIn(fleet.docker, keep1, ["sh", "-c", "echo unsaved > unsaved.txt"]);
    const stop = await hal9000(["stop", keep1], env());
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout).toContain(
      `${keep1} left uncommitted work in its checkout ${checkoutPath(hal.layout, keep1)} (kept)`,
    );
    expect(await readFile(path.join(checkoutPath(hal.layout, keep1), "unsaved.txt"), "utf8")).toBe(
      "unsaved\n",
    );
    const all = await hal9000(["stop-all", "--yes", "--json"], env());
    expect(JSON.parse(all.stdout).uncommitted).toContainEqual(expect.objectContaining({ worker: keep1 }));
    const diff = await hal9000(["diff", keep1, "--json"], env());
    expect(JSON.parse(diff.stdout).files).toEqual([
      { path: "unsaved.txt", status: "added", added: 1, deleted: 0 },
    ]);
    const gone = await hal9000(["discard", keep1, "--yes"], env());
    expect(gone.code, gone.stderr).toBe(0);
    expect(gone.stdout).toContain(`discarded ${keep1}`);
    await noBranchLeft(repo, keep1);
  });

  it("list and status show files touched by more than one live worker, and branches that would conflict", async () => {
    const repo = await newRepo();
    const [live1, live2] = [n("live1"), n("live2")];
    for (const name of [live1, live2]) {
      await hal.spawn({ name, project: repo.dir, branch: true, image: MINIMAL, command: ["sleep", "600"] });
      const r = await execIn(fleet.docker, name, [
        "sh",
        "-c",
        `printf 'line 1\\nline 2 by ${name}\\nline 3\\n' > app.txt`,
      ]);
      expect(r.exitCode, r.output).toBe(0);
    }
    const before = await userState(repo);
    const list = await hal9000(["list"], env());
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(`touched by ${live1}, ${live2}: app.txt`);
    expect(list.stdout).toContain(`would conflict: ${live1} and ${live2} in app.txt`);
    const status = JSON.parse((await hal9000(["status", "--json"], env())).stdout);
    expect(status.branches.overlaps).toContainEqual({
      repo: repo.dir,
      path: "app.txt",
      workers: [live1, live2],
    });
    expect(await userState(repo)).toEqual(before);
    for (const name of [live1, live2]) await hal.stop(name);
  });

  it("inside the parent, where there is no git, the branch commands refuse with a clear error", async () => {
    const r = await execIn(fleet.docker, fleet.parentName, ["hal9000", "diff", ta1]);
    expect(r.exitCode, r.output).toBe(125);
    expect(r.output).toContain("the parent container has neither");
    const s = await execIn(fleet.docker, fleet.parentName, ["hal9000", "spawn", "-d", "--branch", "/tmp"]);
    expect(s.exitCode, s.output).toBe(125);
    expect(s.output).toContain("spawn --branch runs git on your repository");
  });
});
