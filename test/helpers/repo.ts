import { execFileSync } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { type TempHome, tempDir } from "./home.js";

export interface TestRepo {
  dir: string;
  git(...args: string[]): string;
  write(rel: string, text: string): Promise<void>;
  read(rel: string): Promise<string>;
  remove(): Promise<void>;
}

const IDENTITY = { name: "Ursula User", email: "ursula@example.com" };

/** Runs git as a user would, with a fixed identity and no global config leaking in. */
export function gitIn(dir: string, args: string[]): string {
  return execFileSync("git", args, {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: dir, LC_ALL: "C", GIT_CONFIG_NOSYSTEM: "1" },
  });
}

/**
 * A user's repository: two commits, a `.env` git ignores (named in `.worktreeinclude`), and the
 * user's own unfinished work that every hal9000 command must leave alone: an uncommitted edit
 * (notes.txt), a staged edit (staged.txt) and an untracked file (scratch.txt).
 */
export async function testRepo(): Promise<TestRepo> {
  const tmp: TempHome = await tempDir("hal9000-test-repo-");
  const dir = tmp.home;
  const g = (...args: string[]) => gitIn(dir, args);
  const write = async (rel: string, text: string) => {
    await writeFile(path.join(dir, rel), text);
  };
  g("init", "-q", "-b", "main");
  g("config", "user.name", IDENTITY.name);
  g("config", "user.email", IDENTITY.email);
  await write("app.txt", "line 1\nline 2\nline 3\n");
  await write("notes.txt", "my notes\n");
  await write("staged.txt", "staged v1\n");
  await write(".gitignore", ".env\nnode_modules/\n");
  g("add", ".");
  g("commit", "-q", "-m", "first");
  await write("lib.txt", "library\n");
  g("add", "lib.txt");
  g("commit", "-q", "-m", "second");
  await write(".env", "SECRET=42\n");
  await write(".worktreeinclude", ".env\n");
  await write("notes.txt", "my notes\nunfinished thought\n");
  await write("staged.txt", "staged v2\n");
  g("add", "staged.txt");
  await write("scratch.txt", "untracked scratch\n");
  return {
    dir,
    git: g,
    write,
    read: (rel) => readFile(path.join(dir, rel), "utf8"),
    remove: tmp.remove,
  };
}

/** The user's own state that hal9000 must never change: every file but .git, the index, HEAD, the stash. */
export async function userState(repo: TestRepo): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const walk = async (rel: string) => {
    for (const e of await readdir(path.join(repo.dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (r === ".git") continue;
      if (e.isDirectory()) await walk(r);
      else files[r] = await readFile(path.join(repo.dir, r), "base64");
    }
  };
  await walk("");
  return {
    ...files,
    "<index>": (await readFile(path.join(repo.dir, ".git", "index"))).toString("base64"),
    "<HEAD>": repo.git("rev-parse", "HEAD"),
    "<HEAD ref>": await readFile(path.join(repo.dir, ".git", "HEAD"), "utf8"),
    "<stash>": repo.git("stash", "list"),
    "<staged>": repo.git("diff", "--cached"),
    "<unstaged>": repo.git("diff"),
  };
}

/** The user's unfinished work only (what a merge must keep while it moves HEAD and the index). */
export async function userWork(repo: TestRepo): Promise<Record<string, string>> {
  return {
    notes: await repo.read("notes.txt"),
    scratch: await repo.read("scratch.txt"),
    staged: await repo.read("staged.txt"),
    env: await repo.read(".env"),
    "<staged>": repo.git("diff", "--cached"),
    "<unstaged>": repo.git("diff"),
    "<untracked>": repo.git("ls-files", "--others", "--exclude-standard"),
  };
}
