/**
 * Containers a test makes itself (decoys, look-alikes, one-shot runs of an image) are made with
 * Testcontainers, labelled TEST_LABEL=<owner> so cleanupFleet removes them by label if a test
 * dies half-way. Containers hal9000 makes are made by hal9000, never here.
 */
import type Dockerode from "dockerode";
import { GenericContainer, StartupCheckStrategy, type StartupStatus } from "testcontainers";
import { TEST_LABEL } from "./names.js";

/** A container of `image` the test owns (`owner` is usually the suite's parent name). */
export function testContainer(image: string, owner: string): GenericContainer {
  return new GenericContainer(image).withLabels({ [TEST_LABEL]: owner });
}

/**
 * Ready once the container has run to its end, whatever its exit code: for one-shot runs whose
 * failure is what the test checks (Testcontainers' own one-shot strategy fails on non-zero).
 */
export class RanToCompletion extends StartupCheckStrategy {
  override async checkStartupState(docker: Dockerode, id: string): Promise<StartupStatus> {
    const { State } = await docker.getContainer(id).inspect();
    return State.Running || State.Paused || !State.FinishedAt || State.FinishedAt.startsWith("0001-")
      ? "PENDING"
      : "SUCCESS";
  }
}

/** Text of a demultiplexed Docker log buffer (no TTY): stdout and stderr apart. */
export function demuxLogs(buf: Buffer): { stdout: string; stderr: string } {
  const parts: Record<number, Buffer[]> = { 1: [], 2: [] };
  for (let i = 0; i + 8 <= buf.length; ) {
    const stream = buf[i] as number;
    const size = buf.readUInt32BE(i + 4);
    parts[stream]?.push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return {
    stdout: Buffer.concat(parts[1] ?? []).toString(),
    stderr: Buffer.concat(parts[2] ?? []).toString(),
  };
}

export interface OneShotResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Starts `container` (made with testContainer), waits for its end, returns exit code and output, removes it. */
export async function runToCompletion(
  docker: Dockerode,
  container: GenericContainer,
): Promise<OneShotResult> {
  const started = await container.withWaitStrategy(new RanToCompletion()).start();
  try {
    const c = docker.getContainer(started.getId());
    const { State } = await c.inspect();
    const logs = (await c.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    return { code: State.ExitCode, ...demuxLogs(logs) };
  } finally {
    await started.stop({ remove: true });
  }
}
