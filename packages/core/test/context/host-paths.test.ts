import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pathContext, resolveProject, toHostPath } from "../../src/context/host-paths.js";
import { InvalidInputError } from "../../src/vocabulary/errors.js";

describe("pathContext / toHostPath", () => {
  it("on the host, every path is already a host path", () => {
    const ctx = pathContext("/home/u/.hal9000", {}, "/work");
    expect(ctx.insideParent).toBe(false);
    expect(ctx.hostHome).toBe("/home/u/.hal9000");
    expect(toHostPath(ctx, "/home/u/.hal9000/workers/w1")).toBe("/home/u/.hal9000/workers/w1");
  });

  it("inside the parent, paths under HAL9000_HOME map to HAL9000_HOST_HOME", () => {
    const ctx = pathContext("/root/.hal9000", { HAL9000_HOST_HOME: "/home/u/.hal9000" }, "/");
    expect(ctx.insideParent).toBe(true);
    expect(toHostPath(ctx, "/root/.hal9000")).toBe("/home/u/.hal9000");
    expect(toHostPath(ctx, "/root/.hal9000/workers/w1")).toBe("/home/u/.hal9000/workers/w1");
    expect(toHostPath(ctx, "/root/.hal9000/sessions/a.json")).toBe("/home/u/.hal9000/sessions/a.json");
  });

  it("inside the parent, paths outside HAL9000_HOME are left alone (a look-alike prefix is not inside)", () => {
    const ctx = pathContext("/root/.hal9000", { HAL9000_HOST_HOME: "/home/u/.hal9000" }, "/");
    expect(toHostPath(ctx, "/srv/project")).toBe("/srv/project");
    expect(toHostPath(ctx, "/root/.hal9000-other/x")).toBe("/root/.hal9000-other/x");
    expect(toHostPath(ctx, "/root")).toBe("/root");
  });
});

describe("resolveProject", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await realpath(await mkdtemp(path.join(tmpdir(), "hal9000-core-paths-")));
    await mkdir(path.join(dir, "proj"));
    await writeFile(path.join(dir, "file.txt"), "x");
    await symlink(path.join(dir, "proj"), path.join(dir, "link"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("resolves a relative path against cwd and reports the owner", async () => {
    const ctx = pathContext("/h", {}, dir);
    const p = await resolveProject(ctx, "proj");
    expect(p.hostPath).toBe(path.join(dir, "proj"));
    expect(p.owner).toEqual({ uid: process.getuid?.(), gid: process.getgid?.() });
  });

  it("resolves symlinks to the real directory", async () => {
    const p = await resolveProject(pathContext("/h", {}, "/"), path.join(dir, "link"));
    expect(p.hostPath).toBe(path.join(dir, "proj"));
  });

  it.each([
    ["missing", /does not exist/],
    ["file.txt", /is not a directory/],
    ["", /empty/],
  ])("rejects %j", async (project, reason) => {
    const err = await resolveProject(pathContext("/h", {}, dir), project).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).message).toMatch(reason);
    expect((err as InvalidInputError).hint).toBeTruthy();
  });

  it("inside the parent, takes an absolute path as the host's path without checking it", async () => {
    const ctx = pathContext("/root/.hal9000", { HAL9000_HOST_HOME: "/home/u/.hal9000" }, "/");
    const p = await resolveProject(ctx, "/home/u/src/app/../app/");
    expect(p).toEqual({ hostPath: "/home/u/src/app" });
  });

  it("inside the parent, refuses a relative path (it would mean nothing on the host)", async () => {
    const ctx = pathContext("/root/.hal9000", { HAL9000_HOST_HOME: "/home/u/.hal9000" }, "/");
    const err = await resolveProject(ctx, "src/app").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).hint).toMatch(/absolute path on the host/);
  });
});
