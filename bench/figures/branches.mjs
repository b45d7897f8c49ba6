// Branches: `spawn({ branch: true })` next to a plain `spawn()` of the same repository of
// 10 000 files, both through the API and to "running". The difference is the branch's git work:
// the ref in the user's repository, a checkout of its own (objects borrowed, 10 000 files
// written), and the .worktreeinclude copy.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const FILES = 10_000;

/** A repository of FILES small files in 100 folders, one commit, plus a .env named in .worktreeinclude. */
function bigRepo() {
  const dir = mkdtempSync(join(tmpdir(), "hal9000-bench-repo-"));
  const git = (...args) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("config", "user.name", "Bench");
  git("config", "user.email", "bench@example.com");
  for (let d = 0; d < 100; d++) {
    mkdirSync(join(dir, `dir${d}`));
    for (let f = 0; f < FILES / 100; f++) {
      writeFileSync(join(dir, `dir${d}`, `file${f}.txt`), `file ${d}/${f}\n${"x".repeat(200)}\n`);
    }
  }
  writeFileSync(join(dir, ".gitignore"), ".env\n");
  writeFileSync(join(dir, ".worktreeinclude"), ".env\n");
  writeFileSync(join(dir, ".env"), "SECRET=1\n");
  git("add", ".");
  git("commit", "-q", "-m", "10 000 files");
  return dir;
}

export const spawnBranch = {
  name: "spawn-branch",
  title: "API `spawn({ branch: true })` → running, repository of 10 000 files",
  run: async (bench, { compare, runs }) => {
    const hal = await bench.parent();
    const repo = bigRepo();
    let n = 0;
    const made = [];
    const cleanup = async () => {
      await bench.removeContainers();
      for (const name of made.splice(0)) await hal.discard(name).catch(() => undefined);
    };
    try {
      return await compare({
        name: "spawn-branch",
        title: spawnBranch.title,
        runs: runs ?? 5,
        baselines: [
          {
            label: "Hal9000.spawn() on the repository",
            fn: () => hal.spawn({ detach: true, project: repo, command: ["sleep", "60"] }),
            after: cleanup,
          },
        ],
        candidate: {
          label: "Hal9000.spawn({ branch: true })",
          fn: async () => {
            const name = `bench-branch-${bench.id}-${n++}`;
            made.push(name);
            await hal.spawn({ detach: true, project: repo, branch: true, name, command: ["sleep", "60"] });
          },
          after: cleanup,
        },
        note: `${FILES} files; the difference is the branch ref, the checkout and the .worktreeinclude copy`,
      });
    } finally {
      await cleanup();
      // git may still be finishing in the repository (seen: ENOTEMPTY on its .git, after the figure was taken).
      rmSync(repo, { recursive: true, force: true, maxRetries: 5 });
    }
  },
};
