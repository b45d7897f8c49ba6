/**
 * The host's Claude config for mountClaudeConfig (the seed's MCP "Option A"): which directory
 * of the host is mounted read-only into the worker. What the worker's own ~/.claude then links
 * to is @hal9000/volumes' (worker-home/claude-home.ts).
 */
import { realpath, stat } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import type { PathContext } from "../context/host-paths.js";
import { InvalidInputError } from "../vocabulary/errors.js";
import { assertNotDockerSocket } from "./guard.js";

/**
 * The host directory to mount for mountClaudeConfig: $CLAUDE_CONFIG_DIR, else ~/.claude of
 * the caller. Only from the host: inside the parent the host's home is not visible.
 */
export async function resolveHostClaudeConfig(
  paths: PathContext,
  env: NodeJS.ProcessEnv,
  sockets: readonly string[] = [],
): Promise<string> {
  if (paths.insideParent) {
    throw new InvalidInputError("mounting the host's Claude config works only when spawning from the host", {
      hint: "run `hal9000 spawn --mount-claude-config` on the host, not inside the parent",
    });
  }
  const dir = env.CLAUDE_CONFIG_DIR || path.join(env.HOME || homedir(), ".claude");
  let real: string;
  try {
    real = await realpath(dir);
    if (!(await stat(real)).isDirectory()) throw new Error("not a directory");
  } catch {
    throw new InvalidInputError(`no Claude config directory at ${dir}`, {
      hint: "run claude once on the host (it creates ~/.claude), set CLAUDE_CONFIG_DIR, or leave out --mount-claude-config",
    });
  }
  assertNotDockerSocket("Claude config", real, sockets);
  return real;
}
