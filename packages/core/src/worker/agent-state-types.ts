/** The agent states a worker reports (see agent-state.ts). */
import type { AgentStateName } from "../vocabulary/agent-states.js";

export { AGENT_STATES, type AgentStateName } from "../vocabulary/agent-states.js";

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
