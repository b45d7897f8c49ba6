import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BUNDLE_FILE = "hal9000.cjs";

/**
 * The one-file CLI (dist/bundle/hal9000.cjs) that the parent image carries, resolved from the
 * running module: the bundle itself, dist/*.js beside bundle/, or src/*.ts (tests) beside dist/.
 */
export function cliBundlePath(): string {
  // In the CommonJS bundle, tsup shims import.meta.url to the bundle's own file URL.
  const here = fileURLToPath(import.meta.url);
  if (basename(here) === BUNDLE_FILE) return here;
  const dir = dirname(here);
  return basename(dir) === "dist"
    ? join(dir, "bundle", BUNDLE_FILE)
    : join(dir, "..", "dist", "bundle", BUNDLE_FILE);
}
