/**
 * The one way hal9000 replaces a file: write a hidden temp file in the same directory, then
 * rename it over the target, so a reader sees the old file or the new one, never half of one.
 * The temp file is removed when anything fails.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export interface WriteFileAtomicOptions {
  /** The file's exact mode (the umask does not apply). Default 0o644. */
  mode?: number;
  /** Owner of the file, applied only when running as root (nobody else may chown). */
  owner?: { uid: number; gid: number };
  /** fsync before the rename, for files that must survive a power loss (credentials). */
  sync?: boolean;
}

/**
 * Writes `content` to `file` atomically. The temp file (`.<name>.<pid>.<random>.tmp`, hidden so
 * directory listings skip it) is opened O_EXCL|O_NOFOLLOW: a planted file or link is never followed.
 */
export async function writeFileAtomic(
  file: string,
  content: string,
  opts: WriteFileAtomicOptions = {},
): Promise<void> {
  const mode = opts.mode ?? 0o644;
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(
      tmp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      mode,
    );
    await handle.chmod(mode); // the umask may have taken bits away
    if (opts.owner && process.getuid?.() === 0) await handle.chown(opts.owner.uid, opts.owner.gid);
    await handle.writeFile(content, "utf8");
    if (opts.sync) await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, file);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
}
