/**
 * The agent states a worker reports, and the states `wait --until` can wait for: each list
 * defined once. Its own entry (`@hal9000/core/agent-states`), so the CLI's command tables read
 * it at parse time without loading the engine.
 */
export const AGENT_STATES = ["starting", "ready", "working", "waiting", "idle", "done", "exited"] as const;
export type AgentStateName = (typeof AGENT_STATES)[number];

/** What `wait --until` waits for; "settled" (the default): not starting and not working. */
export type WaitUntil = AgentStateName | "settled";
export const WAIT_UNTIL = [
  "settled",
  "ready",
  "working",
  "waiting",
  "idle",
  "done",
  "exited",
] as const satisfies readonly WaitUntil[];

/**
 * How long a detached Claude worker may take to start its session before spawn returns anyway,
 * its agent still "starting" (the CLI then says so, and what to look at).
 */
export const READY_TIMEOUT_MS = 30_000;
