/** The agent states a worker reports (see agent-state.ts). */
export const AGENT_STATES = ["starting", "ready", "working", "waiting", "idle", "done", "exited"] as const;
export type AgentStateName = (typeof AGENT_STATES)[number];

export interface AgentState {
  state: AgentStateName;
  /** When it entered the state (ISO); null when not known (a container that stopped long ago). */
  since: string | null;
  /** The last tool Claude used or asked for. */
  lastTool: string | null;
  /** `waiting`: what Claude asks for. */
  message: string | null;
  /** Claude's session id, once it started. */
  sessionId: string | null;
  /** `exited`: the container's exit code. */
  exitCode: number | null;
}
