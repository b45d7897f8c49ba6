import type { Owner } from "../context/host-paths.js";

/**
 * Who a worker runs as when no candidate will do: the first regular user on most Linux
 * distributions, so files a worker writes still belong to a person rather than to root.
 */
export const FALLBACK_WORKER_USER: Readonly<Owner> = Object.freeze({ uid: 1000, gid: 1000 });

/**
 * The UID:GID a worker runs as: the first candidate that is not root, in the caller's order
 * (spawn passes the project's owner, then HAL9000_HOME's owner, then the caller's own
 * UID), else FALLBACK_WORKER_USER.
 *
 * Never root: an agent runs arbitrary commands, root in a container is one kernel bug away
 * from root on the host, and Claude Code refuses --dangerously-skip-permissions as root.
 * A project owned by root (as in CI, where everything is) is therefore mounted for a
 * non-root user: it can read it, and write only where the directory's mode lets others
 * write. Files it creates belong to that UID on the host.
 *
 * GID 0 is replaced by the UID (the user-private-group convention): membership of group
 * root would open every group-writable root file in the image.
 */
export function workerUser(candidates: readonly (Owner | undefined)[]): Owner {
  for (const c of candidates) {
    if (c === undefined || !isId(c.uid) || !isId(c.gid) || c.uid === 0) continue;
    return { uid: c.uid, gid: c.gid === 0 ? c.uid : c.gid };
  }
  return { ...FALLBACK_WORKER_USER };
}

const isId = (n: number) => Number.isInteger(n) && n >= 0 && n < 2 ** 32 - 1;

/** This process's own UID:GID, when the platform has them. */
export function callerUser(): Owner | undefined {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  return uid === undefined || gid === undefined ? undefined : { uid, gid };
}
