/**
 * The git side of a worker's branch, against real repositories and the real git: checkouts,
 * diff, commit, merge, conflicts and discard, with the user's unfinished work (an uncommitted
 * edit, a staged edit, an untracked file) checked byte for byte after every command. Workers
 * here are plain edits in their checkouts; test/branches-workers.test.ts runs real workers.
 */
import { lstat, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { MergeConflictError } from "@hal9000/core";
import {
  branchConflicts,
  commitBranch,
  diffBranch,
  discardBranch,
  mergeBranch,
  planBranch,
  prepareBranch,
} from "@hal9000/core/internal";
import { BranchStore, checkoutPath, homeLayout } from "@hal9000/volumes";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TempHome, tempDir, tempHome } from "./helpers/index.js";
import { gitIn, type TestRepo, testRepo, userState, userWork } from "./helpers/repo.js";

let home: TempHome;
let repo: TestRepo;
let layout: ReturnType<typeof homeLayout>;
const env = () => ({ PATH: process.env.PATH, HOME: repo.dir, GIT_CONFIG_NOSYSTEM: "1" });
const ctx = () => ({ layout, env: env() });

beforeEach(async () => {
  home = await tempHome();
  repo = await testRepo();
  layout = homeLayout(home.home);
});
afterEach(async () => {
  await repo.remove();
  await home.remove();
});

async function spawnBranch(worker: string, opts: { branch?: string; base?: string } = {}) {
  const plan = await planBranch(layout, env(), { project: repo.dir, worker, ...opts });
  return prepareBranch(layout, plan, undefined);
}

/** A worker's own edit: files written in its checkout, optionally committed with its git. */
async function work(worker: string, files: Record<string, string>, commit?: string) {
  const co = checkoutPath(layout, worker);
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(co, rel)), { recursive: true });
    await writeFile(path.join(co, rel), text);
  }
  if (commit) {
    gitIn(co, ["add", "-A"]);
    gitIn(co, ["commit", "-q", "-m", commit]);
  }
}

describe("a checkout per worker", () => {
  it("makes a branch at HEAD and a checkout with its own .git, copying .worktreeinclude files, leaving the user's tree alone", async () => {
    const before = await userState(repo);
    const { record, included } = await spawnBranch("w1");
    expect(await userState(repo)).toEqual(before);
    expect(record.branch).toBe("hal9000/w1");
    expect(record.base).toBe(repo.git("rev-parse", "HEAD").trim());
    expect(repo.git("rev-parse", "hal9000/w1").trim()).toBe(record.base);
    expect((await lstat(path.join(record.checkout, ".git"))).isDirectory()).toBe(true);
    expect(gitIn(record.checkout, ["symbolic-ref", "HEAD"]).trim()).toBe("refs/heads/hal9000/w1");
    expect(gitIn(record.checkout, ["status", "--porcelain"])).toBe("");
    // Committed files only: the user's unfinished work stays theirs; .env comes via .worktreeinclude.
    expect(await readFile(path.join(record.checkout, "notes.txt"), "utf8")).toBe("my notes\n");
    expect(await readFile(path.join(record.checkout, "staged.txt"), "utf8")).toBe("staged v1\n");
    await expect(lstat(path.join(record.checkout, "scratch.txt"))).rejects.toThrow(/ENOENT/);
    expect(included).toEqual([".env"]);
    expect(await readFile(path.join(record.checkout, ".env"), "utf8")).toBe("SECRET=42\n");
    // The user's objects are borrowed, not copied: the checkout's own object store starts empty.
    const alternates = await readFile(path.join(record.checkout, ".git/objects/info/alternates"), "utf8");
    expect(alternates.trim()).toBe(path.join(repo.dir, ".git", "objects"));
  });

  it("starts from --base and takes a --branch name", async () => {
    const first = repo.git("rev-parse", "HEAD~1").trim();
    const { record } = await spawnBranch("w2", { branch: "feature/x", base: "HEAD~1" });
    expect(record.branch).toBe("feature/x");
    expect(record.base).toBe(first);
    await expect(lstat(path.join(record.checkout, "lib.txt"))).rejects.toThrow(/ENOENT/);
  });

  it("gives ten parallel spawns on one repository ten intact checkouts on ten branches", async () => {
    const names = Array.from({ length: 10 }, (_, i) => `par-${i}`);
    const results = await Promise.all(names.map((n) => spawnBranch(n)));
    expect(new Set(results.map((r) => r.record.checkout)).size).toBe(10);
    const branches = repo
      .git("branch", "--list", "hal9000/*", "--format=%(refname:short)")
      .trim()
      .split("\n");
    expect(branches.sort()).toEqual(names.map((n) => `hal9000/${n}`).sort());
    for (const r of results) {
      expect(gitIn(r.record.checkout, ["status", "--porcelain"])).toBe("");
      expect(gitIn(r.record.checkout, ["fsck", "--no-progress", "--no-dangling"])).toBe("");
      expect(await readFile(path.join(r.record.checkout, "app.txt"), "utf8")).toBe(
        "line 1\nline 2\nline 3\n",
      );
    }
  });

  describe("bad input leaves nothing behind", () => {
    const nothingLeft = async (worker: string, branch = `hal9000/${worker}`) => {
      expect(repo.git("branch", "--list", branch)).toBe("");
      await expect(lstat(checkoutPath(layout, worker))).rejects.toThrow(/ENOENT/);
      expect(await new BranchStore(layout).read(worker)).toBeUndefined();
    };

    it("refuses a project that is not in a git repository", async () => {
      const plain = await tempDir();
      try {
        await expect(planBranch(layout, env(), { project: plain.home, worker: "b1" })).rejects.toThrow(
          /--branch needs a git repository, and .* is not in one/,
        );
        await nothingLeft("b1");
      } finally {
        await plain.remove();
      }
    });

    it("refuses an unknown --base", async () => {
      const err = await planBranch(layout, env(), {
        project: repo.dir,
        worker: "b2",
        base: "no-such-ref",
      }).catch((e: Error & { hint?: string }) => e);
      expect((err as Error).message).toMatch(/--base "no-such-ref" is not a commit/);
      expect((err as { hint?: string }).hint).toMatch(/git -C .* branch -a/);
      await nothingLeft("b2");
    });

    it("refuses a branch that exists", async () => {
      repo.git("branch", "taken");
      await expect(
        planBranch(layout, env(), { project: repo.dir, worker: "b3", branch: "taken" }),
      ).rejects.toThrow(/branch "taken" already exists/);
      await nothingLeft("b3", "nothing-else");
      expect(repo.git("rev-parse", "taken").trim()).toBe(repo.git("rev-parse", "HEAD").trim());
    });

    it("refuses an invalid branch name", async () => {
      await expect(
        planBranch(layout, env(), { project: repo.dir, worker: "b4", branch: "bad..name" }),
      ).rejects.toThrow(/invalid branch name/);
      await nothingLeft("b4");
    });
  });
});

describe("results back", () => {
  it("diff shows commits, uncommitted edits and new files with status and line counts", async () => {
    await spawnBranch("d1");
    await work("d1", { "app.txt": "line 1\nline two\nline 3\n" }, "edit app");
    await work("d1", { "new/file.txt": "a\nb\n", "lib.txt": "library\nmore\n" });
    const before = await userState(repo);
    const diff = await diffBranch(ctx(), "d1");
    expect(await userState(repo)).toEqual(before);
    expect(diff.commits.map((c) => c.subject)).toEqual(["edit app"]);
    expect(diff.uncommitted).toBe(true);
    expect(diff.files).toEqual([
      { path: "app.txt", status: "modified", added: 1, deleted: 1 },
      { path: "lib.txt", status: "modified", added: 1, deleted: 0 },
      { path: "new/file.txt", status: "added", added: 2, deleted: 0 },
    ]);
    expect(diff.patch).toContain("+line two");
    expect(diff.patch).toContain("diff --git a/new/file.txt b/new/file.txt");
    expect(diff.stat).toMatch(/3 files changed, 4 insertions\(\+\), 1 deletion/);
    // The worker's commit is on its branch in the user's repository now.
    expect(repo.git("log", "--format=%s", "-1", "hal9000/d1").trim()).toBe("edit app");
  });

  it("commit records uncommitted work on the branch as the user, with trailers, and leaves the checkout clean", async () => {
    const { record } = await spawnBranch("c1");
    await work("c1", { "made.txt": "made by a worker without git\n" });
    const before = await userState(repo);
    const res = await commitBranch({ ...ctx() }, "c1", "Add made.txt");
    expect(await userState(repo)).toEqual(before);
    expect(res.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(res.files.map((f) => f.path)).toEqual(["made.txt"]);
    const msg = repo.git("log", "-1", "--format=%an <%ae>%n%B", "hal9000/c1");
    expect(msg).toContain("Ursula User <ursula@example.com>");
    expect(msg).toContain("Add made.txt");
    expect(msg).toContain("Hal9000-Worker: c1");
    expect(msg).toContain("Hal9000-Session: ");
    expect(repo.git("show", "hal9000/c1:made.txt")).toBe("made by a worker without git\n");
    // The worker's own git agrees: its branch moved, nothing left uncommitted.
    expect(gitIn(record.checkout, ["status", "--porcelain"])).toBe("");
    expect(gitIn(record.checkout, ["rev-parse", "HEAD"]).trim()).toBe(res.commit);
    expect((await commitBranch(ctx(), "c1")).commit).toBeNull();
  });

  it.each([
    ["wa", "wb"],
    ["wb", "wa"],
  ])(
    "merges two workers on different files (%s first), also after the user committed meanwhile",
    async (first, second) => {
      await spawnBranch("wa");
      await spawnBranch("wb");
      await work("wa", { "app.txt": "line 1 by a\nline 2\nline 3\n" }, "a: app");
      await work("wb", { "b.txt": "from b\n", "lib.txt": "library\nby b\n" }, "b: lib");
      // The user commits on their branch meanwhile, so no fast-forward is possible.
      repo.git("commit", "-q", "-m", "user's own commit");
      await repo.write("staged.txt", "staged v3\n");
      repo.git("add", "staged.txt");
      const work0 = await userWork(repo);
      const report = await branchConflicts(ctx());
      expect(report.pairs).toEqual([]);
      expect(report.overlaps).toEqual([]);
      for (const name of [first, second] as string[]) {
        const res = await mergeBranch(ctx(), name);
        expect(res.into).toBe("main");
        expect(res.fastForward).toBe(false);
        expect(await userWork(repo)).toEqual(work0);
      }
      expect(await repo.read("app.txt")).toBe("line 1 by a\nline 2\nline 3\n");
      expect(await repo.read("b.txt")).toBe("from b\n");
      expect(repo.git("log", "--format=%s", "main")).toContain("user's own commit");
      expect(repo.git("status", "--porcelain", "--", "app.txt", "b.txt", "lib.txt")).toBe("");
      expect((await branchConflicts(ctx())).workers).toEqual([]);
    },
  );

  it("reports two workers on the same lines before merging, and merge refuses changing nothing", async () => {
    await spawnBranch("s1");
    await spawnBranch("s2");
    await work("s1", { "app.txt": "line 1\nline 2 by s1\nline 3\n" }, "s1 edit");
    await work("s2", { "app.txt": "line 1\nline 2 by s2\nline 3\n" }); // uncommitted
    const report = await branchConflicts(ctx());
    expect(report.overlaps).toEqual([{ repo: repo.dir, path: "app.txt", workers: ["s1", "s2"] }]);
    expect(report.pairs).toEqual([{ repo: repo.dir, workers: ["s1", "s2"], files: ["app.txt"] }]);
    expect(report.workers.find((w) => w.worker === "s2")?.uncommitted).toBe(true);
    await mergeBranch(ctx(), "s1");
    await commitBranch(ctx(), "s2");
    const before = await userState(repo);
    const err = (await mergeBranch(ctx(), "s2").catch((e: unknown) => e)) as MergeConflictError;
    expect(err.code).toBe("CONFLICT");
    expect(err.files).toEqual(["app.txt"]);
    expect(err.message).toMatch(/merging would conflict in 1 file: app.txt/);
    expect(await userState(repo)).toEqual(before);
    const after = await branchConflicts(ctx());
    expect(after.workers.map((w) => [w.worker, w.conflictsWithYours])).toEqual([["s2", ["app.txt"]]]);
  });

  it("refuses a merge that would overwrite the user's uncommitted edit, changing nothing", async () => {
    await spawnBranch("u1");
    await work("u1", { "notes.txt": "worker's notes\n" }, "notes");
    const before = await userState(repo);
    await expect(mergeBranch(ctx(), "u1")).rejects.toThrow(
      /would overwrite uncommitted changes .*: notes.txt/,
    );
    expect(await userState(repo)).toEqual(before);
  });

  it("refuses to merge uncommitted work until it is committed", async () => {
    await spawnBranch("u2");
    await work("u2", { "x.txt": "x\n" });
    await expect(mergeBranch(ctx(), "u2")).rejects.toThrow(/uncommitted changes in its checkout/);
  });

  it("squashes into one commit with a single parent", async () => {
    await spawnBranch("q1");
    await work("q1", { "q1.txt": "one\n" }, "one");
    await work("q1", { "q1.txt": "one\ntwo\n" }, "two");
    const res = await mergeBranch(ctx(), "q1", { squash: true });
    expect(res.squash).toBe(true);
    expect(repo.git("rev-list", "--parents", "-1", "HEAD").trim().split(" ")).toHaveLength(2);
    expect(repo.git("log", "-1", "--format=%B")).toContain("Hal9000-Worker: q1");
    expect(await repo.read("q1.txt")).toBe("one\ntwo\n");
  });

  it("discard removes the checkout, the branch and the record, not the user's work", async () => {
    const { record } = await spawnBranch("x1");
    await work("x1", { "gone.txt": "bye\n" }, "bye");
    const before = await userState(repo);
    await expect(discardBranch(ctx(), "x1", true)).rejects.toThrow(/still running/);
    const res = await discardBranch(ctx(), "x1", false);
    expect(res.branchDeleted).toBe(true);
    expect(await userState(repo)).toEqual(before);
    expect(repo.git("branch", "--list", "hal9000/x1")).toBe("");
    await expect(lstat(record.checkout)).rejects.toThrow(/ENOENT/);
    await expect(diffBranch(ctx(), "x1")).rejects.toThrow(/has no branch/);
  });

  it("refuses inside the parent, which has no git", async () => {
    await spawnBranch("p1");
    await expect(diffBranch({ ...ctx(), insideParent: true }, "p1")).rejects.toThrow(
      /parent container has neither/,
    );
  });
});
