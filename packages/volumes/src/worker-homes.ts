/** workers/<name>/: one private Claude home per worker, bind-mounted into its container. */
import { chmod, chown, mkdir, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { VolumesError } from "./errors.js";
import type { HomeLayout } from "./home.js";
import { assertWorkerName } from "./names.js";

export function workerHomePath(layout: HomeLayout, name: string): string {
  assertWorkerName(name);
  const path = resolve(join(layout.workers, name));
  // Belt and braces: the name rules already forbid '/', '..' and NUL.
  if (dirname(path) !== resolve(layout.workers)) {
    throw new VolumesError("UNSAFE_PATH", `worker home for "${name}" would be outside ${layout.workers}`, {
      hint: "use a plain worker name without '/' or '..'",
    });
  }
  return path;
}

/** Create (or tighten) workers/<name>/ with mode 0700, owned by `owner` when running as root. */
export async function createWorkerHome(
  layout: HomeLayout,
  name: string,
  owner?: { uid: number; gid: number },
): Promise<string> {
  const path = workerHomePath(layout, name);
  await mkdir(layout.workers, { recursive: true });
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chmod(path, 0o700); // mkdir's mode is filtered by the umask; an existing dir keeps its old mode
  if (owner && process.getuid?.() === 0) await chown(path, owner.uid, owner.gid);
  return path;
}

/** Whether workers/<name>/ is there (a stale home of an earlier worker, or one being reused). */
export async function workerHomeExists(layout: HomeLayout, name: string): Promise<boolean> {
  return stat(workerHomePath(layout, name)).then(
    () => true,
    () => false,
  );
}

export async function removeWorkerHome(layout: HomeLayout, name: string): Promise<void> {
  await rm(workerHomePath(layout, name), { recursive: true, force: true });
}
