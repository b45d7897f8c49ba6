/**
 * Loads the CLI's one-file CommonJS bundle with V8's code cache. Node 20 compiles every
 * module afresh on each run: for a cold `hal9000 list` that was the largest share of our own
 * time (~800 kB of JavaScript parsed, then each function compiled on first call). The cache
 * holds what the last run compiled, so the next run deserializes instead of compiling.
 * (Node 22.1 has `module.enableCompileCache()`; this works from Node 20 and does the same.)
 *
 * The cache lives in the user's own cache folder (`$XDG_CACHE_HOME/hal9000/compile-cache`,
 * or `~/.cache/…`), mode 0700, and a cache file is used only if that folder and the file
 * belong to this user: V8 checks that the cache fits the source's length and its own version,
 * not what the cache says, so a file others could write would be code they could run.
 * Anything wrong with the cache only costs the speed-up: the bundle then loads as usual.
 * `HAL9000_COMPILE_CACHE=0` turns it off.
 */
import fs from "node:fs";
import Module, { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import vm from "node:vm";

export interface CompileCacheOptions {
  /** The cache folder; default: `$XDG_CACHE_HOME/hal9000/compile-cache` or `~/.cache/…`. */
  dir?: string;
  env?: NodeJS.ProcessEnv;
  /** Write a missing or outdated cache as the process exits (default); false: call `save`. */
  saveAtExit?: boolean;
}

/**
 * "used": compiled from the cache; "missing": no usable cache yet (`save` writes one);
 * "off": HAL9000_COMPILE_CACHE=0; "unusable": the folder can't be made or isn't this user's alone.
 */
export type CacheUse = "used" | "missing" | "off" | "unusable";

export interface CachedLoad {
  exports: unknown;
  cache: CacheUse;
  /** Writes the cache from what has been compiled so far (when `cache` is "missing"). */
  save(): void;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)
      ? env.XDG_CACHE_HOME
      : path.join(os.homedir(), ".cache");
  return path.join(base, "hal9000", "compile-cache");
}

/**
 * Requires the CommonJS file `file` as Node would (module wrapper, its own `require`), compiled
 * with the code cache when there is one.
 */
export function requireWithCompileCache(file: string, options: CompileCacheOptions = {}): CachedLoad {
  const env = options.env ?? process.env;
  const source = fs.readFileSync(file, "utf8").replace(/^#!.*/, "");
  const none = () => undefined;
  if (env.HAL9000_COMPILE_CACHE === "0") {
    return { exports: run(compile(file, source, undefined), file), cache: "off", save: none };
  }
  const dir = ownFolder(options.dir ?? defaultCacheDir(env));
  const cacheFile = dir && path.join(dir, cacheName(file));
  const cached = cacheFile ? readOwnFile(cacheFile) : undefined;
  const script = compile(file, source, cached);
  const cache: CacheUse = !dir ? "unusable" : cached && !script.cachedDataRejected ? "used" : "missing";
  const save =
    dir && cacheFile && cache === "missing" ? () => writeCache(dir, cacheFile, file, script) : none;
  // At exit the script holds every function the run compiled, not just the top level.
  if (save !== none && options.saveAtExit !== false) process.once("exit", save);
  return { exports: run(script, file), cache, save };
}

function compile(file: string, source: string, cachedData: Buffer | undefined): vm.Script {
  return new vm.Script(Module.wrap(source), {
    filename: file,
    cachedData,
    // No importModuleDynamically: Node 20 warns that it is experimental. The bundle has no
    // import() of its own (build/bundle-plugins.ts), and a file that has one fails with Node's error.
  });
}

function run(script: vm.Script, file: string): unknown {
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: { exports: unknown },
    filename: string,
    dirname: string,
  ) => void;
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    path.dirname(file),
  );
  const require = createRequire(file);
  require.cache[file] = mod; // as require() would, so the process's module list names it
  wrapper.call(mod.exports, mod.exports, require, mod, file, path.dirname(file));
  mod.loaded = true;
  return mod.exports;
}

/** One cache per bundle file, Node version and build of the file (its size and mtime). */
function cacheName(file: string): string {
  const stat = fs.statSync(file);
  return `${prefixOf(file)}${process.version}-${process.arch}-${stat.size}-${Math.trunc(stat.mtimeMs)}.bin`;
}

function prefixOf(file: string): string {
  return `${path.basename(file).replace(/[^A-Za-z0-9.-]/g, "_")}-`;
}

const uid = typeof process.getuid === "function" ? process.getuid() : undefined;

function ownedBySelf(stat: fs.Stats): boolean {
  return uid === undefined || stat.uid === uid;
}

/** The folder, made 0700 if missing; undefined if it is someone else's or others can write to it. */
function ownFolder(dir: string): string | undefined {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = fs.statSync(dir);
    if (!stat.isDirectory() || !ownedBySelf(stat) || (stat.mode & 0o022) !== 0) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

function readOwnFile(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || !ownedBySelf(stat) || (stat.mode & 0o022) !== 0) return undefined;
    return fs.readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Written whole (temp file, then rename) so a run starting meanwhile never reads half a cache. */
function writeCache(dir: string, cacheFile: string, file: string, script: vm.Script): void {
  const temp = `${cacheFile}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, script.createCachedData(), { mode: 0o600, flag: "wx" });
    fs.renameSync(temp, cacheFile);
    // Caches of earlier builds of the same file are of no use any more.
    const prefix = prefixOf(file);
    const name = path.basename(cacheFile);
    for (const entry of fs.readdirSync(dir)) {
      if (entry.startsWith(prefix) && entry !== name && !entry.endsWith(".tmp"))
        fs.rmSync(path.join(dir, entry), { force: true });
    }
  } catch {
    fs.rmSync(temp, { force: true });
  }
}
