import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extractPackageFile } from "../src/tarball.js";
import { makeTarball, tempDir } from "./helpers.js";

describe("extractPackageFile", () => {
  it("copies one file out of the package folder, whatever that folder is called", async () => {
    const dir = await tempDir();
    const tgz = join(dir, "p.tgz");
    const binary = Buffer.alloc(200_000, 7);
    await writeFile(
      tgz,
      await makeTarball([
        { name: "pkg/", type: "directory" },
        { name: "pkg/package.json", content: "{}" },
        { name: "pkg/claude.d", type: "directory" },
        { name: "pkg/claude-other", content: "no" },
        { name: "pkg/claude", content: binary, mode: 0o755 },
        { name: "pkg/README.md", content: "readme" },
      ]),
    );
    const out = join(dir, "claude");
    expect(await extractPackageFile(tgz, "claude", out)).toEqual({ size: binary.length, mode: 0o755 });
    expect((await readFile(out)).equals(binary)).toBe(true);
  });

  it("says so when the file is not in the tarball", async () => {
    const dir = await tempDir();
    const tgz = join(dir, "p.tgz");
    await writeFile(tgz, await makeTarball([{ name: "package/README.md", content: "x" }]));
    await expect(extractPackageFile(tgz, "claude", join(dir, "out"))).rejects.toThrow(
      /claude is not in the package tarball/,
    );
  });

  it("does not take a symlink named like the file", async () => {
    const dir = await tempDir();
    const tgz = join(dir, "p.tgz");
    await writeFile(
      tgz,
      await makeTarball([{ name: "package/claude", type: "symlink", linkname: "/etc/passwd" }]),
    );
    await expect(extractPackageFile(tgz, "claude", join(dir, "out"))).rejects.toThrow(
      /not in the package tarball/,
    );
  });

  it("fails on a corrupt tarball", async () => {
    const dir = await tempDir();
    const tgz = join(dir, "p.tgz");
    await writeFile(tgz, Buffer.from("this is not gzip"));
    await expect(extractPackageFile(tgz, "claude", join(dir, "out"))).rejects.toMatchObject({
      code: "Z_DATA_ERROR",
      message: "incorrect header check",
    });
  });
});
