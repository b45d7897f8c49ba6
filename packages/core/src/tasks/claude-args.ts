import { InvalidInputError } from "../vocabulary/errors.js";

/** Claude Code's permission modes (`--permission-mode`). */
export const PERMISSION_MODES = ["default", "acceptEdits", "plan", "auto", "bypassPermissions"] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

/** How Claude runs a headless task. */
export interface ClaudeTaskArgs {
  prompt: string;
  model?: string;
  /** Tools Claude may use without asking, e.g. ["Write", "Bash(git *)"]. */
  allowedTools?: string[];
  permissionMode?: PermissionMode;
}

/** Checks a task's Claude options; throws InvalidInputError saying what to give instead. */
export function validateClaudeTaskArgs(a: ClaudeTaskArgs): void {
  if (typeof a.prompt !== "string" || a.prompt.trim() === "") {
    throw new InvalidInputError("the task's prompt is empty", {
      hint: 'give Claude something to do, e.g. { prompt: "write a README" } or `hal9000 run -p "…"`',
    });
  }
  if (a.model !== undefined && (typeof a.model !== "string" || !/^[\w.:@/-]+$/.test(a.model))) {
    throw new InvalidInputError(`invalid model ${JSON.stringify(a.model)}`, {
      hint: "give a model name or alias, e.g. sonnet or claude-sonnet-4-5",
    });
  }
  if (a.allowedTools !== undefined) {
    if (
      !Array.isArray(a.allowedTools) ||
      a.allowedTools.some((t) => typeof t !== "string" || t.trim() === "")
    ) {
      throw new InvalidInputError("allowedTools must be a list of tool names", {
        hint: 'e.g. ["Write", "Edit", "Bash(npm test)"]',
      });
    }
  }
  if (a.permissionMode !== undefined && !PERMISSION_MODES.includes(a.permissionMode)) {
    throw new InvalidInputError(`invalid permission mode ${JSON.stringify(a.permissionMode)}`, {
      hint: `choose one of: ${PERMISSION_MODES.join(", ")}`,
    });
  }
}

/** The worker's command: `claude -p PROMPT --output-format stream-json --verbose …`. */
export function claudeTaskCommand(a: ClaudeTaskArgs): string[] {
  validateClaudeTaskArgs(a);
  const cmd = ["claude", "-p", a.prompt, "--output-format", "stream-json", "--verbose"];
  if (a.model !== undefined) cmd.push("--model", a.model);
  if (a.permissionMode !== undefined) cmd.push("--permission-mode", a.permissionMode);
  // Variadic, so last; one argument per tool, as a rule may hold commas ("Bash(a, b)").
  if (a.allowedTools !== undefined && a.allowedTools.length > 0)
    cmd.push("--allowedTools", ...a.allowedTools);
  return cmd;
}
