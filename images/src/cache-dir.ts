import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";

/**
 * hal9000's cache root: HAL9000_CACHE_DIR, else $XDG_CACHE_HOME/hal9000, else
 * ~/.cache/hal9000 (the same rule as scripts/ensure-docker.sh).
 */
export function resolveCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (env.HAL9000_CACHE_DIR) return resolve(env.HAL9000_CACHE_DIR);
  // XDG says a relative XDG_CACHE_HOME is invalid and must be ignored.
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, "hal9000");
  return join(home, ".cache", "hal9000");
}

/** Where one Claude CLI binary is cached: <cache>/claude-code/<version>/<platform>/claude. */
export function claudeCachePath(cacheDir: string, version: string, platform: string): string {
  return join(cacheDir, "claude-code", version, platform, "claude");
}
