/**
 * Drives the built `hal9000` binary (node packages/cli/dist/bin.cjs) as a child process, and
 * a terminal session inside a container (docker exec with a TTY) as a person would type.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { Duplex } from "node:stream";
import { fileURLToPath } from "node:url";
import type Docker from "dockerode";
import { testEnv, waitFor } from "./helpers/index.js";

export const CLI_BIN = fileURLToPath(new URL("../packages/cli/dist/bin.cjs", import.meta.url));
export const CLI_BUNDLE = fileURLToPath(new URL("../packages/cli/dist/bundle/hal9000.cjs", import.meta.url));

export interface CliResult {
  /** The exit code; null when the process was killed (then `signal` says by what). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment for one suite: its own HAL9000_HOME and parent name, nothing else HAL9000_*. */
export function cliEnv(home: string, parentName: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return testEnv({ HAL9000_HOME: home, HAL9000_PARENT_NAME: parentName, NO_COLOR: "1", ...extra });
}

/**
 * Runs `hal9000 <args>` (with `input` on its stdin, if given) and resolves with its exit code
 * and output (never rejects on exit codes). A run still going after `timeoutMs` is killed: a hang shows as a signal, never as
 * an exit code.
 */
export function hal9000(
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { cwd?: string; timeoutMs?: number; input?: string } = {},
): Promise<CliResult> {
  if (!existsSync(CLI_BIN)) throw new Error(`${CLI_BIN} is missing: run pnpm --filter @hal9000/cli build`);
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI_BIN, ...args],
      {
        env,
        cwd: opts.cwd,
        maxBuffer: 16 * 1024 * 1024,
        timeout: opts.timeoutMs ?? 300_000,
        killSignal: "SIGKILL",
      },
      (err, stdout, stderr) => {
        const signal = (err?.signal as NodeJS.Signals | null | undefined) ?? null;
        const code = !err ? 0 : typeof err.code === "number" ? err.code : signal ? null : 1;
        resolve({ code, signal, stdout, stderr });
      },
    );
    // What a person pipes in (e.g. a secret for `auth set`), then end of input.
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** A command on a pseudo-terminal inside a container: type into it, wait for what it draws. */
export interface TerminalSession {
  /** Everything drawn since the last `expect` that matched. */
  readonly screen: string;
  type(text: string): void;
  /** Waits until the terminal has drawn `text` (then forgets what was drawn so far). */
  expect(text: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function terminal(
  docker: Docker,
  container: string,
  cmd: string[],
  size = { h: 40, w: 140 },
): Promise<TerminalSession> {
  const exec = await docker.getContainer(container).exec({
    Cmd: cmd,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    Env: ["TERM=xterm"],
  });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as Duplex;
  await exec.resize(size).catch(() => undefined);
  let screen = "";
  stream.on("data", (c: Buffer) => {
    screen += c.toString();
  });
  return {
    get screen() {
      return screen;
    },
    type(text) {
      stream.write(text);
    },
    async expect(text, timeoutMs = 20_000) {
      await waitFor(`the terminal to show "${text}"`, () => screen.includes(text), {
        timeoutMs,
        intervalMs: 50,
      });
      screen = "";
    },
    async close() {
      stream.destroy();
    },
  };
}

/**
 * `hal9000 <args>` on a pseudo-terminal (util-linux `script` provides it), for the commands
 * that hand over the terminal: type into it, wait for what it draws, get its exit code.
 */
export function onTerminal(
  args: string[],
  env: NodeJS.ProcessEnv,
): { type(text: string): void; expect(text: string): Promise<void>; exit: Promise<number> } {
  const quote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
  const command = [process.execPath, CLI_BIN, ...args].map(quote).join(" ");
  const child = spawn("script", ["-qfec", command, "/dev/null"], {
    env: { ...env, TERM: "xterm", COLUMNS: "140", LINES: "40" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let screen = "";
  child.stdout.on("data", (c: Buffer) => {
    screen += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    screen += c.toString();
  });
  const exit = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
  return {
    type(text) {
      child.stdin.write(text);
    },
    async expect(text) {
      await waitFor(`the terminal to show "${text}"`, () => screen.includes(text), { intervalMs: 50 });
      screen = "";
    },
    exit,
  };
}
