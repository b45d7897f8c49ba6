/**
 * Whether the process that wrote a lock or a spawn intent still runs. A pid means one process
 * only on one host and in one pid namespace (the host and the parent container share
 * HAL9000_HOME but not their pids), and only for as long as it runs: its start time tells a
 * reused pid from the writer.
 */
import { readFile, readlink } from "node:fs/promises";
import { hostname } from "node:os";

/** Who wrote a file: enough to tell later whether that process still runs. */
export interface WriterIdentity {
  pid: number;
  hostname: string;
  /** /proc/self/ns/pid of the writer; null where there is no /proc. */
  pidNamespace: string | null;
  /** The writer's start time (/proc/<pid>/stat, clock ticks since boot); null where unknown. */
  processStart: string | null;
}

let ownPidNamespace: Promise<string | null> | undefined;
export function pidNamespace(): Promise<string | null> {
  ownPidNamespace ??= readlink("/proc/self/ns/pid").catch(() => null);
  return ownPidNamespace;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, belongs to someone else
  }
}

/** Field 22 of /proc/<pid>/stat (after the command name, which may hold spaces and parentheses). */
export async function processStartTime(pid: number): Promise<string | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

let ownIdentity: Promise<WriterIdentity> | undefined;
/** This process, as a writer (computed once). */
export function writerIdentity(): Promise<WriterIdentity> {
  ownIdentity ??= (async () => ({
    pid: process.pid,
    hostname: hostname(),
    pidNamespace: await pidNamespace(),
    processStart: await processStartTime(process.pid),
  }))();
  return ownIdentity;
}

/**
 * "dead" when the writer is provably gone (same host and pid namespace, and its pid runs no
 * more or runs another process); "unknown" when it ran elsewhere (only the file's age can tell).
 */
export async function writerLiveness(w: Partial<WriterIdentity>): Promise<"alive" | "dead" | "unknown"> {
  const own = await writerIdentity();
  if (w.hostname !== own.hostname || !w.pidNamespace || w.pidNamespace !== own.pidNamespace) return "unknown";
  if (!Number.isInteger(w.pid) || (w.pid as number) <= 0) return "unknown";
  if (!isProcessAlive(w.pid as number)) return "dead";
  if (w.processStart && (await processStartTime(w.pid as number)) !== w.processStart) return "dead";
  return "alive";
}
