import { mkdir, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BranchStore,
  checkoutGitDirKind,
  checkoutIndexDraft,
  checkoutPath,
  copyIntoCheckout,
  homeLayout,
  installCheckoutIndex,
  readCheckoutHead,
  writeCheckoutAlternates,
  writeCheckoutRef,
} from "../src/index.js";
import { tempDir } from "./temp-dir.js";

/** A checkout as `git init` leaves it (the parts these functions touch). */
async function checkout(): Promise<string> {
  const dir = join(await tempDir(), "checkout");
  await mkdir(join(dir, ".git", "objects", "info"), { recursive: true });
  await writeFile(join(dir, ".git", "HEAD"), "ref: refs/heads/hal9000/w\n");
  return dir;
}

describe("a checkout's git directory", () => {
  it("is a directory, missing, or something else (a worker replaced it)", async () => {
    const dir = await checkout();
    expect(await checkoutGitDirKind(dir)).toBe("directory");
    expect(await checkoutGitDirKind(join(dir, "nowhere"))).toBe("missing");
    const other = await tempDir();
    await writeFile(join(other, ".git"), "gitdir: /etc\n");
    expect(await checkoutGitDirKind(other)).toBe("other");
  });

  it("HEAD is read only when it is a regular file", async () => {
    const dir = await checkout();
    expect(await readCheckoutHead(dir)).toBe("ref: refs/heads/hal9000/w");
    const planted = await checkout();
    const target = join(await tempDir(), "elsewhere");
    await writeFile(target, "ref: refs/heads/main\n");
    await rm(join(planted, ".git", "HEAD"));
    await symlink(target, join(planted, ".git", "HEAD"));
    expect(await readCheckoutHead(planted)).toBeUndefined();
  });

  it("alternates name the user's object directory", async () => {
    const dir = await checkout();
    await writeCheckoutAlternates(dir, "/home/me/repo/.git/objects");
    expect(await readFile(join(dir, ".git", "objects", "info", "alternates"), "utf8")).toBe(
      "/home/me/repo/.git/objects\n",
    );
  });
});

describe("writeCheckoutRef", () => {
  it("makes the ref's directories and writes the commit", async () => {
    const dir = await checkout();
    await writeCheckoutRef(dir, "refs/heads/hal9000/w", "a".repeat(40));
    expect(await readFile(join(dir, ".git", "refs", "heads", "hal9000", "w"), "utf8")).toBe(
      `${"a".repeat(40)}\n`,
    );
    await writeCheckoutRef(dir, "HEAD", "b".repeat(40));
    expect(await readFile(join(dir, ".git", "HEAD"), "utf8")).toBe(`${"b".repeat(40)}\n`);
  });

  it("refuses a directory on the way that is a symlink, and writes nothing through it", async () => {
    const dir = await checkout();
    const outside = await tempDir();
    await mkdir(join(dir, ".git", "refs"));
    await symlink(outside, join(dir, ".git", "refs", "heads"));
    await expect(writeCheckoutRef(dir, "refs/heads/hal9000/w", "a".repeat(40))).rejects.toMatchObject({
      code: "UNSAFE_PATH",
      message: `${join(dir, ".git", "refs", "heads")} is not a directory`,
    });
    expect(await readdir(outside)).toEqual([]);
  });
});

describe("the checkout's index", () => {
  it("a draft (a leftover removed) replaces the index in one rename", async () => {
    const dir = await checkout();
    const draft = await checkoutIndexDraft(dir);
    await writeFile(draft, "leftover");
    expect(await checkoutIndexDraft(dir)).toBe(draft);
    await expect(stat(draft)).rejects.toMatchObject({ code: "ENOENT" });
    await writeFile(join(dir, ".git", "index"), "old");
    await writeFile(draft, "new");
    await installCheckoutIndex(dir, draft);
    expect(await readFile(join(dir, ".git", "index"), "utf8")).toBe("new");
    expect((await readdir(join(dir, ".git"))).sort()).toEqual(["HEAD", "index", "objects"]);
  });
});

describe("copyIntoCheckout", () => {
  it("copies regular files with their modes, skips links, directories and paths that leave the checkout", async () => {
    const from = await tempDir();
    const dir = await checkout();
    await mkdir(join(from, "config"));
    await writeFile(join(from, ".env"), "SECRET=1\n", { mode: 0o600 });
    await writeFile(join(from, "config", "run.sh"), "#!/bin/sh\n", { mode: 0o755 });
    await symlink("/etc/passwd", join(from, "link"));
    const copied = await copyIntoCheckout(dir, from, [
      ".env",
      "config/run.sh",
      "link",
      "config",
      "../x",
      "gone",
    ]);
    expect(copied).toEqual([".env", "config/run.sh"]);
    expect(await readFile(join(dir, ".env"), "utf8")).toBe("SECRET=1\n");
    expect((await stat(join(dir, ".env"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "config", "run.sh"))).mode & 0o777).toBe(0o755);
    expect((await readdir(dir)).sort()).toEqual([".env", ".git", "config"]);
  });
});

describe("BranchStore.hasCheckout", () => {
  it("is true for anything at the checkout path", async () => {
    const layout = homeLayout(await tempDir());
    const store = new BranchStore(layout);
    expect(await store.hasCheckout("hal9000-worker-a")).toBe(false);
    await mkdir(checkoutPath(layout, "hal9000-worker-a"), { recursive: true });
    expect(await store.hasCheckout("hal9000-worker-a")).toBe(true);
  });
});
