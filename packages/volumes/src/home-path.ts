/** Paths hal9000 cannot keep files under, found before anything tries to. */
import { stat } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Kernel pseudo-filesystems: nothing can be stored there, and Node's recursive mkdir never
 * returns under /proc (it gets ENOENT for the child of an existing directory and retries forever).
 */
const PSEUDO_FILESYSTEMS = ["/proc", "/sys"] as const;

/** The pseudo-filesystem an absolute path lies on ("/proc", "/sys"), or undefined. */
export function pseudoFilesystemOf(absolutePath: string): string | undefined {
  return PSEUDO_FILESYSTEMS.find((fs) => absolutePath === fs || absolutePath.startsWith(`${fs}/`));
}

/** The nearest existing ancestor of `path` (or `path` itself) that is not a directory, if any. */
export async function blockingFile(path: string): Promise<string | undefined> {
  for (let p = path; ; p = dirname(p)) {
    const s = await stat(p).catch(() => undefined);
    if (s) return s.isDirectory() ? undefined : p;
    if (dirname(p) === p) return undefined;
  }
}
