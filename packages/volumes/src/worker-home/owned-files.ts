/** Files and directories of a worker's home, owned by the worker's UID (when root can give them). */
import { chown, mkdir } from "node:fs/promises";
import { writeFileAtomic } from "../atomic-write.js";
import { HomeError } from "../errors.js";
import { readTextIfExists } from "../read-text.js";

/** Whom a worker's files belong to: the UID:GID the worker runs as. */
export interface FileOwner {
  uid: number;
  gid: number;
}

export const isRoot = (): boolean => process.getuid?.() === 0;

/** Writes a file owned by `user` (when root can), atomically. */
export async function writeOwnedFile(
  file: string,
  content: string,
  user: FileOwner,
  mode = 0o600,
): Promise<void> {
  await writeFileAtomic(file, content, { mode, owner: user });
}

/** A directory owned by `user` (when root can); created if missing. */
export async function ownedDir(dir: string, user: FileOwner, mode = 0o700): Promise<void> {
  await mkdir(dir, { recursive: true, mode });
  if (isRoot()) await chown(dir, user.uid, user.gid);
}

/** Reads a JSON settings file; undefined when missing; a clear error when it is not JSON. */
export async function readSettings(file: string): Promise<unknown> {
  const text = await readTextIfExists(file);
  if (text === undefined || text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HomeError(`${file} is not valid JSON`, {
      hint: `fix or remove it (rm ${file}); hal9000 adds its apiKeyHelper to it`,
    });
  }
}
