import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sourceRevision } from "../src/revision.js";
import { tempDir } from "./helpers.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const OTHER = "89abcdef0123456789abcdef0123456789abcdef";

describe("sourceRevision", () => {
  it("follows HEAD to a loose ref, from a folder inside the checkout", async () => {
    const repo = await tempDir();
    await mkdir(join(repo, ".git", "refs", "heads"), { recursive: true });
    await writeFile(join(repo, ".git", "HEAD"), "ref: refs/heads/main\n");
    await writeFile(join(repo, ".git", "refs", "heads", "main"), `${SHA}\n`);
    await mkdir(join(repo, "images"));
    expect(await sourceRevision(join(repo, "images"))).toBe(SHA);
  });

  it("reads packed-refs and a detached HEAD", async () => {
    const repo = await tempDir();
    await mkdir(join(repo, ".git"));
    await writeFile(join(repo, ".git", "HEAD"), "ref: refs/heads/dev\n");
    await writeFile(
      join(repo, ".git", "packed-refs"),
      `# pack-refs\n${OTHER} refs/heads/main\n${SHA} refs/heads/dev\n`,
    );
    expect(await sourceRevision(repo)).toBe(SHA);
    await writeFile(join(repo, ".git", "HEAD"), `${OTHER}\n`);
    expect(await sourceRevision(repo)).toBe(OTHER);
  });

  it("follows a worktree's .git file to its git dir and the common refs", async () => {
    const base = await tempDir();
    const common = join(base, "main.git");
    const wtGit = join(common, "worktrees", "wt");
    await mkdir(join(common, "refs", "heads"), { recursive: true });
    await mkdir(wtGit, { recursive: true });
    await writeFile(join(common, "refs", "heads", "feature"), `${SHA}\n`);
    await writeFile(join(wtGit, "HEAD"), "ref: refs/heads/feature\n");
    await writeFile(join(wtGit, "commondir"), "../..\n");
    await mkdir(join(base, "wt"));
    await writeFile(join(base, "wt", ".git"), `gitdir: ${wtGit}\n`);
    expect(await sourceRevision(join(base, "wt"))).toBe(SHA);
  });

  it("is unknown when installed under node_modules, even inside someone's checkout", async () => {
    const repo = await tempDir();
    await mkdir(join(repo, ".git"));
    await writeFile(join(repo, ".git", "HEAD"), `${SHA}\n`);
    const installed = join(repo, "node_modules", "@hal9000", "images");
    await mkdir(installed, { recursive: true });
    expect(await sourceRevision(installed)).toBe("unknown");
  });

  it("is unknown outside any checkout", async () => {
    expect(await sourceRevision("/")).toBe("unknown");
  });
});
