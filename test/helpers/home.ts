import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export interface TempHome {
  /** Absolute, symlink-free path (bind-mount sources must be real host paths). */
  home: string;
  remove(): Promise<void>;
}

/** A fresh HAL9000_HOME under the system temp dir. */
export async function tempHome(prefix = "hal9000-test-home-"): Promise<TempHome> {
  const home = await realpath(await mkdtemp(path.join(tmpdir(), prefix)));
  return { home, remove: () => rm(home, { recursive: true, force: true }) };
}

/** A fresh directory (e.g. a project to mount). */
export async function tempDir(prefix = "hal9000-test-dir-"): Promise<TempHome> {
  return tempHome(prefix);
}
