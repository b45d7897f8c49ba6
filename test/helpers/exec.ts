import { PassThrough } from "node:stream";
import type Docker from "dockerode";

export interface ExecResult {
  exitCode: number;
  /** stdout and stderr together, in the order they came. */
  output: string;
}

export interface SplitExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Reads a stream to its end as text. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

/** Runs a command in a container through the Engine API (no TTY; stdout and stderr together). */
export async function execIn(
  docker: Docker,
  container: string,
  cmd: string[],
  opts: { env?: string[]; user?: string } = {},
): Promise<ExecResult> {
  const { exitCode, output } = await execBoth(docker, container, cmd, opts);
  return { exitCode, output };
}

/** As execIn, with stdout and stderr apart (e.g. to parse `--json` stdout next to warnings). */
export async function execInSplit(
  docker: Docker,
  container: string,
  cmd: string[],
  opts: { env?: string[]; user?: string } = {},
): Promise<SplitExecResult> {
  const { exitCode, stdout, stderr } = await execBoth(docker, container, cmd, opts);
  return { exitCode, stdout, stderr };
}

async function execBoth(
  docker: Docker,
  container: string,
  cmd: string[],
  opts: { env?: string[]; user?: string },
): Promise<ExecResult & SplitExecResult> {
  const exec = await docker.getContainer(container).exec({
    Cmd: cmd,
    AttachStdout: true,
    AttachStderr: true,
    Env: opts.env,
    User: opts.user,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  const err = new PassThrough();
  docker.modem.demuxStream(stream, out, err);
  const done = new Promise<void>((resolve) => {
    stream.on("end", resolve);
    stream.on("close", resolve);
  });
  let output = "";
  let stdout = "";
  let stderr = "";
  out.on("data", (c: Buffer) => {
    output += c.toString();
    stdout += c.toString();
  });
  err.on("data", (c: Buffer) => {
    output += c.toString();
    stderr += c.toString();
  });
  await done;
  for (let i = 0; i < 50; i++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return { exitCode: info.ExitCode, output, stdout, stderr };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`exec ${cmd.join(" ")} in ${container} did not finish`);
}

/** Starts a long-running command in a container and returns at once. */
export async function execDetached(docker: Docker, container: string, cmd: string[]): Promise<void> {
  const exec = await docker
    .getContainer(container)
    .exec({ Cmd: cmd, AttachStdout: false, AttachStderr: false });
  await exec.start({ Detach: true });
}
