/**
 * Following workers' agent states as they change: the hooks append every state to the
 * worker's events.jsonl, which this polls (a bind-mounted file seen from the host or the
 * parent: polling works on both, inotify would not see writes made in another mount
 * namespace everywhere); the container list says which workers exist and which exited.
 */
import { hookEventsSize, readHookEvents } from "@hal9000/volumes";
import type { CoreContext } from "../context/context.js";
import { WAIT_UNTIL, type WaitUntil } from "../vocabulary/agent-states.js";
import { Hal9000Error, InvalidInputError, NotFoundError } from "../vocabulary/errors.js";
import { validateContainerName } from "../vocabulary/names.js";
import {
  type AgentState,
  type AgentStateName,
  agentStateOf,
  deriveAgentState,
} from "../worker/agent-state.js";
import { listWorkerContainers } from "../worker/list.js";
import { notifyChange } from "./notify.js";

/** How often the files and the container list are read. */
export const WATCH_POLL_MS = 250;

/** A worker entered a state (or, first, the state it is in). */
export interface AgentStateChange extends AgentState {
  name: string;
  /** When hal9000 saw it (ISO). */
  seenAt: string;
}

export interface WatchOptions {
  /** Only these workers (default: every worker of this parent, including new ones). */
  names?: string[];
  /** Start with each worker's current state (default true); false: changes from now on only. */
  initial?: boolean;
  signal?: AbortSignal;
  /** Called once the watch knows where each worker's record ends: what happens after it is seen. */
  onWatching?: () => void | Promise<void>;
  /** Run NOTIFY_COMMAND (hal9000.conf) for changes to waiting, idle, done and exited (default false). */
  notify?: boolean;
}

const key = (s: AgentState) => `${s.state}\u0000${s.message ?? ""}`;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Every state change of the watched workers, in order per worker, until the signal aborts. */
export async function* watchAgentStates(
  ctx: CoreContext,
  opts: WatchOptions = {},
): AsyncGenerator<AgentStateChange> {
  for await (const c of followAgentStates(ctx, opts)) {
    // The first report of a worker is where it is, not a change worth a notification.
    if (opts.notify && !c.initial) notifyChange(ctx.config.notifyCommand, c, ctx.env);
    const { initial: _, ...change } = c;
    yield change;
  }
}

async function* followAgentStates(
  ctx: CoreContext,
  opts: WatchOptions,
): AsyncGenerator<AgentStateChange & { initial: boolean }> {
  for (const n of opts.names ?? []) validateContainerName(n);
  const only = opts.names ? new Set(opts.names) : undefined;
  const tracked = new Map<string, { offset: number; last: string; state: AgentState }>();
  let firstRound = true;
  while (!opts.signal?.aborted) {
    const containers = (await listWorkerContainers(ctx)).filter((c) => !only || only.has(c.name));
    const present = new Set<string>();
    for (const c of containers) {
      const name = c.name;
      present.add(name);
      const container = { state: c.State, status: c.Status };
      let t = tracked.get(name);
      if (!t) {
        // First sight: its current state, then what its hooks append from here on.
        const end = await hookEventsSize(ctx.layout, name);
        const state = await agentStateOf(ctx, name, container);
        t = { offset: end, last: key(state), state };
        tracked.set(name, t);
        if (opts.initial !== false || !firstRound) yield { ...change(name, state), initial: firstRound };
        if (state.state === "exited") continue;
      }
      const { records, offset } = await readHookEvents(ctx.layout, name, t.offset).catch(() => ({
        records: [],
        offset: t?.offset ?? 0,
      }));
      t.offset = offset;
      for (const r of records) {
        const state = deriveAgentState({ state: "running" }, r);
        if (key(state) === t.last) continue;
        t.last = key(state);
        t.state = state;
        yield { ...change(name, state), initial: false };
      }
      const now = deriveAgentState(container, undefined);
      if (now.state === "exited" && t.state.state !== "exited") {
        const exited = { ...t.state, ...now, since: new Date().toISOString() };
        t.state = exited;
        t.last = key(exited);
        yield { ...change(name, exited), initial: false };
      }
    }
    // Removed (an --rm worker): it exited; its record has the code.
    for (const [name, t] of tracked) {
      if (present.has(name) || t.state.state === "exited") continue;
      const record = await ctx.sessions.read(name).catch(() => undefined);
      const exited: AgentState = {
        ...t.state,
        state: "exited",
        since: new Date().toISOString(),
        message: null,
        exitCode: record?.exitCode ?? null,
      };
      t.state = exited;
      t.last = key(exited);
      yield { ...change(name, exited), initial: false };
    }
    if (firstRound) await opts.onWatching?.();
    firstRound = false;
    await sleep(WATCH_POLL_MS, opts.signal);
  }
}

function change(name: string, state: AgentState): AgentStateChange {
  return { name, ...state, seenAt: new Date().toISOString() };
}

export { WAIT_UNTIL, type WaitUntil };

export function reached(state: AgentStateName, until: WaitUntil): boolean {
  if (until === "settled") return state !== "starting" && state !== "working";
  if (until === "done") return state === "done" || state === "exited";
  return state === until;
}

export interface WaitOptions {
  /** Workers to wait for; default (or `all: true`): every worker of this parent now. */
  names?: string[];
  until?: WaitUntil;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Only states entered after the call count (e.g. after sending a prompt). */
  fromNow?: boolean;
  /** See WatchOptions.onWatching (e.g. send the prompt here). */
  onWatching?: () => void | Promise<void>;
}

/** A wait that ran out of time: which workers were where. */
export class WaitTimeoutError extends Hal9000Error {
  readonly states: AgentStateChange[];
  constructor(message: string, states: AgentStateChange[]) {
    super("WAIT_TIMEOUT", message, {
      hint: "wait longer (--timeout), or see what they do with `hal9000 watch`",
    });
    this.states = states;
  }
}

/**
 * Resolves once every worker has reached `until` (each at least once since the wait began),
 * with the state each reached. A worker that exits first fails the wait (unless waiting for
 * exited or done); the timeout rejects with WaitTimeoutError.
 */
export async function waitForAgentStates(
  ctx: CoreContext,
  opts: WaitOptions = {},
): Promise<AgentStateChange[]> {
  const until = opts.until ?? "settled";
  if (!(WAIT_UNTIL as readonly string[]).includes(until)) {
    throw new InvalidInputError(`cannot wait until "${String(until)}"`, {
      hint: `choose one of: ${WAIT_UNTIL.join(", ")}`,
    });
  }
  if (opts.timeoutMs !== undefined && !(opts.timeoutMs > 0)) {
    throw new InvalidInputError(`invalid timeout ${JSON.stringify(opts.timeoutMs)}`, {
      hint: "give the milliseconds to wait, e.g. { timeoutMs: 60000 }",
    });
  }
  const existing = (await listWorkerContainers(ctx)).map((c) => c.name);
  let names = opts.names;
  if (names === undefined || names.length === 0) names = existing;
  for (const n of names) {
    validateContainerName(n);
    if (!existing.includes(n)) {
      throw new NotFoundError(`no worker named "${n}" (parent "${ctx.config.parentName}")`, {
        hint: "see the workers with `hal9000 list`",
      });
    }
  }
  if (names.length === 0) return [];
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  let timedOut = false;
  const timer =
    opts.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          stop.abort();
        }, opts.timeoutMs);
  const latest = new Map<string, AgentStateChange>();
  const done = new Map<string, AgentStateChange>();
  try {
    for await (const c of watchAgentStates(ctx, {
      names,
      signal: stop.signal,
      initial: opts.fromNow !== true,
      onWatching: opts.onWatching,
    })) {
      latest.set(c.name, c);
      if (!done.has(c.name) && reached(c.state, until)) done.set(c.name, c);
      else if (!done.has(c.name) && c.state === "exited") {
        throw new Hal9000Error(
          "WORKER_EXITED",
          `worker ${c.name} exited${c.exitCode === null ? "" : ` (exit code ${c.exitCode})`} before it was ${until}`,
          { hint: `see its output with \`hal9000 logs ${c.name}\`` },
        );
      }
      if (done.size === names.length) return names.map((n) => done.get(n) as AgentStateChange);
    }
    if (timedOut) {
      const where = names.map((n) => `${n}: ${latest.get(n)?.state ?? "unknown"}`).join(", ");
      throw new WaitTimeoutError(
        `timed out after ${opts.timeoutMs} ms waiting for ${until} (${where})`,
        names.flatMap((n) => latest.get(n) ?? []),
      );
    }
    throw new Hal9000Error("INTERNAL", "the wait was aborted", { hint: "run it again" });
  } finally {
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
    stop.abort();
  }
}
