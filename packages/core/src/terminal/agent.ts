/**
 * Talking to the Claude session a detached worker runs on its TTY: attach to it (the TUI
 * itself, detach with Ctrl-P Ctrl-Q and it keeps running) or type a prompt into it without
 * attaching (`send`).
 */
import { hookEventsSize, readHookEvents, readHookState } from "@hal9000/volumes";
import type { CoreContext } from "../context/context.js";
import { type AgentStateChange, WaitTimeoutError, waitForAgentStates } from "../fleet/agent-watch.js";
import { ConflictError, InvalidInputError } from "../vocabulary/errors.js";
import { findWorker } from "../worker/list.js";
import { runTerminal, type TerminalIO } from "./terminal.js";

/** Docker's detach sequence for the attach: Ctrl-P then Ctrl-Q leaves the agent running. */
export const DETACH_KEYS = "ctrl-p,ctrl-q";
/** Between pasting the prompt and pressing Enter: the TUI takes a paste as one input. */
const ENTER_DELAY_MS = 300;
/** How long Claude may take to show that it took a prompt, and how often hal9000 tries. */
const SUBMIT_CONFIRM_MS = 5000;
const SEND_ATTEMPTS = 6;
/** How long a just-spawned worker's Claude session may take to start before `send` gives up (default). */
const SESSION_START_MS = 60_000;

async function runningWorker(ctx: CoreContext, name: string, what: string) {
  const found = await findWorker(ctx, name);
  if (found.State !== "running") {
    throw new ConflictError(`worker "${name}" is ${found.State}, not running`, {
      hint: `${what} needs a running worker; see \`hal9000 list\`, or spawn one with \`hal9000 spawn -d\``,
    });
  }
  return found.Id;
}

/** The caller's terminal on the worker's own session (the Claude TUI); returns 0 on detach, else its exit code. */
export async function attachAgent(ctx: CoreContext, name: string, io: TerminalIO): Promise<number> {
  const id = await runningWorker(ctx, name, "attach");
  const containers = ctx.engine.containers;
  const stream = await containers.attach(
    id,
    { stdin: true, detachKeys: DETACH_KEYS },
    `attaching to worker "${name}"`,
  );
  const exitCode = new Promise<void>((resolve) => {
    stream.once("end", resolve);
    stream.once("close", resolve);
  }).then(async () => {
    const info = await containers.inspect(id).catch(() => undefined);
    return info?.State.Running === false ? info.State.ExitCode : 0; // still running: detached
  });
  return runTerminal(io, { stream, resize: (size) => containers.resize(id, size), exitCode });
}

export interface SendOptions {
  /** Resolve once the agent is no longer working (idle, waiting, done or exited), with that state. */
  wait?: boolean;
  /** How long a just-started session may take to start (default 60 s) and, with `wait`, the agent to settle. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Waits until the worker's Claude session has started (its SessionStart hook ran). Before that
 * the TUI does not take a prompt, or shows a dialog (the folder-trust one, with
 * WORKER_TRUST_WORKSPACE=false) that a typed Enter would answer for the user.
 */
async function sessionStarted(
  ctx: CoreContext,
  name: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  if ((await readHookState(ctx.layout, name).catch(() => undefined)) !== undefined) return;
  try {
    await waitForAgentStates(ctx, { names: [name], until: "settled", timeoutMs, signal });
  } catch (err) {
    if (!(err instanceof WaitTimeoutError)) throw err;
    throw new ConflictError(
      `worker "${name}" has not started its Claude session after ${timeoutMs / 1000} s; nothing was sent`,
      {
        hint: `see what it shows (a dialog?) with \`hal9000 attach ${name}\` (detach with Ctrl-P Ctrl-Q)`,
      },
    );
  }
}

/** Types `prompt` into the worker's Claude session and presses Enter, as a person would. */
export async function sendPrompt(
  ctx: CoreContext,
  name: string,
  prompt: string,
  opts: SendOptions = {},
): Promise<AgentStateChange | undefined> {
  if (typeof prompt !== "string" || prompt.trim() === "") {
    throw new InvalidInputError("the prompt to send is empty", {
      hint: 'e.g. hal9000 send my-worker "run the tests"; `-` reads it from stdin',
    });
  }
  const id = await runningWorker(ctx, name, "send");
  await sessionStarted(ctx, name, opts.timeoutMs ?? SESSION_START_MS, opts.signal);
  const write = async (text: string) => {
    const stream = await ctx.engine.containers.attach(
      id,
      { stdin: true, output: false },
      `sending to worker "${name}"`,
    );
    try {
      // Handed to the socket before it closes: a busy machine must not lose the keystrokes.
      await new Promise<void>((resolve, reject) =>
        stream.write(text, (err) => (err ? reject(err) : resolve())),
      );
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      stream.destroy();
    }
  };
  // Bracketed paste: the prompt's own line breaks stay in it instead of sending it early.
  const paste = `\u001b[200~${prompt.replace(/\r?\n$/, "")}\u001b[201~`;
  /**
   * Types the prompt, then Enter, and makes sure Claude took it (its UserPromptSubmit hook
   * fired): a TUI that has just started its session may not read its input yet. Enter again
   * first (the text may be in the box), then the whole prompt again.
   */
  const type = async () => {
    let offset = await hookEventsSize(ctx.layout, name);
    for (let attempt = 0; attempt < SEND_ATTEMPTS; attempt++) {
      if (attempt !== 1) {
        await write(paste);
        await new Promise((r) => setTimeout(r, ENTER_DELAY_MS));
      }
      await write("\r");
      const deadline = Date.now() + SUBMIT_CONFIRM_MS;
      while (Date.now() < deadline) {
        const read = await readHookEvents(ctx.layout, name, offset).catch(() => ({ records: [], offset }));
        offset = read.offset;
        if (read.records.some((r) => r.event === "UserPromptSubmit")) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new ConflictError(
      `worker "${name}" did not take the prompt (its Claude session never submitted it)`,
      {
        hint: `see what it shows with \`hal9000 attach ${name}\` (detach with Ctrl-P Ctrl-Q)`,
      },
    );
  };
  if (!opts.wait) {
    await type();
    return undefined;
  }
  const [state] = await waitForAgentStates(ctx, {
    names: [name],
    until: "settled",
    fromNow: true,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    onWatching: type,
  });
  return state;
}
