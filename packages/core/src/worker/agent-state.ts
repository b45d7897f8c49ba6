/**
 * A worker's agent state: what Claude in it is doing, from the hooks it fired (hooks.ts) and
 * its container. `starting` until Claude's session starts, then the hooks' `ready`,
 * `working`, `waiting` (needs a human; with the message), `idle`, `done`; `exited` once the
 * container stopped (with its exit code).
 */
import { type HookRecord, readHookState } from "@hal9000/volumes";
import type { CoreContext } from "../context/context.js";
import type { AgentState } from "./agent-state-types.js";
import { ACTIVE_STATES } from "./info.js";

export { AGENT_STATES, type AgentState, type AgentStateName } from "./agent-state-types.js";

/** "Exited (137) 5 seconds ago" → 137. */
export function exitCodeFromStatus(status: string | undefined): number | null {
  const m = /^Exited \((-?\d+)\)/.exec(status ?? "");
  return m ? Number(m[1]) : null;
}

/** The state from the container's state and status line and the hooks' latest record (pure). */
export function deriveAgentState(
  container: { state: string; status?: string },
  hook: HookRecord | undefined,
  now: Date = new Date(),
): AgentState {
  const base = {
    lastTool: hook?.lastTool ?? null,
    sessionId: hook?.sessionId ?? null,
  };
  if (!ACTIVE_STATES.has(container.state) && container.state !== "created") {
    return {
      ...base,
      state: "exited",
      since: null,
      message: null,
      exitCode: exitCodeFromStatus(container.status),
    };
  }
  if (!hook) return { ...base, state: "starting", since: null, message: null, exitCode: null };
  return {
    ...base,
    state: hook.state,
    since: hook.since ?? now.toISOString(),
    message: hook.state === "waiting" ? hook.message : null,
    exitCode: null,
  };
}

/** A worker's agent state, from its container (as listed) and its home. */
export async function agentStateOf(
  ctx: CoreContext,
  name: string,
  container: { state: string; status?: string },
): Promise<AgentState> {
  const hook = await readHookState(ctx.layout, name).catch(() => undefined);
  return deriveAgentState(container, hook);
}
