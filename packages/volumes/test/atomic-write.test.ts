import { mkdir, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "../src/index.js";
import { tempDir } from "./temp-dir.js";

describe("writeFileAtomic", () => {
  it("creates the file with the exact mode asked for, leaving no temp file", async () => {
    const dir = await tempDir();
    const file = join(dir, "a.json");
    const umask = process.umask(0o077);
    try {
      await writeFileAtomic(file, '{"a":1}\n', { mode: 0o644 });
    } finally {
      process.umask(umask);
    }
    expect(await readFile(file, "utf8")).toBe('{"a":1}\n');
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    expect(await readdir(dir)).toEqual(["a.json"]);
  });

  it("replaces an existing file whole, with its new mode (0644 by default)", async () => {
    const dir = await tempDir();
    const file = join(dir, "secret");
    await writeFile(file, "old contents that are longer\n", { mode: 0o600 });
    await writeFileAtomic(file, "new\n");
    expect(await readFile(file, "utf8")).toBe("new\n");
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    await writeFileAtomic(file, "private\n", { mode: 0o600, sync: true });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(["secret"]);
  });

  it("replaces a symlink at the target instead of writing through it", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "elsewhere"), "untouched\n");
    await symlink(join(dir, "elsewhere"), join(dir, "link"));
    await writeFileAtomic(join(dir, "link"), "mine\n");
    expect(await readFile(join(dir, "elsewhere"), "utf8")).toBe("untouched\n");
    expect(await readFile(join(dir, "link"), "utf8")).toBe("mine\n");
  });

  it("on failure throws, removes its temp file and leaves the target as it was", async () => {
    const dir = await tempDir();
    const target = join(dir, "taken");
    await mkdir(target);
    await writeFile(join(target, "inside"), "kept\n");
    await expect(writeFileAtomic(target, "x\n")).rejects.toMatchObject({
      code: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST/),
    });
    expect((await readdir(dir)).sort()).toEqual(["taken"]);
    expect(await readFile(join(target, "inside"), "utf8")).toBe("kept\n");
  });

  it("throws ENOENT when the directory does not exist", async () => {
    const dir = await tempDir();
    await expect(writeFileAtomic(join(dir, "missing", "f"), "x")).rejects.toMatchObject({ code: "ENOENT" });
    expect(await readdir(dir)).toEqual([]);
  });

  it("leaves one writer's content whole when many write at once", async () => {
    const dir = await tempDir();
    const file = join(dir, "race.json");
    const bodies = Array.from(
      { length: 20 },
      (_, i) => `${JSON.stringify({ i, pad: "x".repeat(10_000) })}\n`,
    );
    await Promise.all(bodies.map((b) => writeFileAtomic(file, b)));
    expect(bodies).toContain(await readFile(file, "utf8"));
    expect(await readdir(dir)).toEqual(["race.json"]);
  });
});
