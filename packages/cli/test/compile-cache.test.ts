// The code cache the npm bin loads the CLI bundle with (src/compile-cache.ts), on real files.
// Each load reads its own copy of the module (same name, size and mtime, another folder), so
// V8's in-process cache of compiled scripts never answers for the file cache.
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultCacheDir, requireWithCompileCache } from "../src/compile-cache.js";

const MODULE = `
const helper = require("./helper.cjs");
exports.sum = helper.add(2, 3);
exports.where = [__filename, __dirname];
exports.platform = require("node:os").platform();
exports.esm = () => import("./value.mjs");
`;

let root: string;
let cacheDir: string;
let copies = 0;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "hal9000-compile-cache-"));
  cacheDir = path.join(root, "cache");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A fresh copy of the module (its helper and an ES module beside it); `source` changes it. */
function copy(source = MODULE): string {
  const dir = path.join(root, `copy-${copies++}`);
  mkdirSync(dir);
  writeFileSync(path.join(dir, "helper.cjs"), "exports.add = (a, b) => a + b;");
  writeFileSync(path.join(dir, "value.mjs"), "export const value = 1;");
  const file = path.join(dir, "cli.cjs");
  writeFileSync(file, `#!/usr/bin/env node\n${source}`);
  utimesSync(file, new Date(2026, 0, 1), new Date(2026, 0, 1));
  return file;
}

const load = (file: string, env: NodeJS.ProcessEnv = {}) =>
  requireWithCompileCache(file, { dir: cacheDir, env, saveAtExit: false });

const cacheFiles = () => readdirSync(cacheDir);

describe("requireWithCompileCache", () => {
  it("runs a CommonJS file as require would: its require, __filename and builtins", async () => {
    const file = copy();
    const { exports } = load(file);
    const mod = exports as { sum: number; where: string[]; platform: string; esm: () => Promise<unknown> };
    expect(mod.sum).toBe(5);
    expect(mod.where).toEqual([file, path.dirname(file)]);
    expect(mod.platform).toBe(process.platform);
    // The CLI's bundle has no import() (tsup.config.ts); one would fail loudly, not quietly.
    await expect(mod.esm()).rejects.toMatchObject({ code: "ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING" });
  });

  it("writes the cache once, in a folder only this user can read, and the next load compiles from it", () => {
    const first = load(copy());
    expect(first.cache).toBe("missing");
    first.save();
    expect(cacheFiles()).toHaveLength(1);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(cacheDir, cacheFiles()[0] as string)).mode & 0o777).toBe(0o600);

    const second = load(copy());
    expect(second.cache).toBe("used");
    expect((second.exports as { sum: number }).sum).toBe(5);
  });

  it("a damaged cache is rejected, the module still runs, and the next save replaces it", () => {
    load(copy()).save();
    const [name] = cacheFiles() as [string];
    const size = statSync(path.join(cacheDir, name)).size;
    writeFileSync(path.join(cacheDir, name), Buffer.alloc(size, 7), { mode: 0o600 });

    const damaged = load(copy());
    expect(damaged.cache).toBe("missing");
    expect((damaged.exports as { sum: number }).sum).toBe(5);
    damaged.save();
    expect(readFileSync(path.join(cacheDir, name)).equals(Buffer.alloc(size, 7))).toBe(false);
    expect(load(copy()).cache).toBe("used");
  });

  it("a cache file others could write is not used", () => {
    load(copy()).save();
    chmodSync(path.join(cacheDir, cacheFiles()[0] as string), 0o666);
    expect(load(copy()).cache).toBe("missing");
  });

  it("a cache folder others could write is not used at all, and nothing is written there", () => {
    mkdirSync(cacheDir, { mode: 0o700 });
    chmodSync(cacheDir, 0o777);
    const loaded = load(copy());
    expect(loaded.cache).toBe("unusable");
    expect((loaded.exports as { sum: number }).sum).toBe(5);
    loaded.save();
    expect(cacheFiles()).toEqual([]);
  });

  it("HAL9000_COMPILE_CACHE=0 turns it off: no folder is made", () => {
    const loaded = load(copy(), { HAL9000_COMPILE_CACHE: "0" });
    expect(loaded.cache).toBe("off");
    expect((loaded.exports as { sum: number }).sum).toBe(5);
    expect(() => statSync(cacheDir)).toThrow(/ENOENT/);
  });

  it("a rebuilt file gets its own cache, and the old build's is removed", () => {
    load(copy()).save();
    const [old] = cacheFiles() as [string];
    const rebuilt = load(copy(`${MODULE}\nexports.rebuilt = true;\n`));
    expect(rebuilt.cache).toBe("missing");
    rebuilt.save();
    expect(cacheFiles()).toHaveLength(1);
    expect(cacheFiles()[0]).not.toBe(old);
  });
});

describe("defaultCacheDir", () => {
  it("is under XDG_CACHE_HOME when that is an absolute path, else ~/.cache", () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/var/cache/me" })).toBe("/var/cache/me/hal9000/compile-cache");
    expect(defaultCacheDir({ XDG_CACHE_HOME: "relative" })).toBe(
      path.join(homedir(), ".cache", "hal9000", "compile-cache"),
    );
    expect(defaultCacheDir({})).toBe(path.join(homedir(), ".cache", "hal9000", "compile-cache"));
  });
});
