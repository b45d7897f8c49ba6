/**
 * Claude Code hooks that record a worker's state (the format of ../worker-state.ts): one
 * POSIX sh script in the worker's home, called by every hook event with the state it means.
 * hal9000 merges its hooks into the worker's settings.json next to the user's own: theirs stay,
 * in their order, and an earlier spawn's hal9000 entries are replaced, never doubled.
 */
import { WORKER_EVENTS_FILE, WORKER_STATE_DIR, WORKER_STATE_FILE } from "../worker-state.js";
import { WORKER_HOME_PATH } from "./mounts.js";

/** Where the script is, inside the worker. */
export const HOOK_SCRIPT_PATH = `${WORKER_HOME_PATH}/${WORKER_STATE_DIR}/state-hook.sh`;

/** Claude Code's hook events, and the state each records ("notify" and "permission" decide in the script). */
export const HOOK_EVENTS: Readonly<Record<string, string>> = {
  SessionStart: "ready",
  UserPromptSubmit: "working",
  PreToolUse: "working",
  PostToolUse: "working",
  PermissionRequest: "permission",
  Notification: "notify",
  Stop: "idle",
  SessionEnd: "done",
};

/** Events whose hooks take a tool matcher. */
const TOOL_EVENTS = new Set(["PreToolUse", "PostToolUse", "PermissionRequest"]);

/**
 * The hook. It prints nothing (a SessionStart or UserPromptSubmit hook's stdout would reach
 * Claude's context) and always exits 0 (a failing hook must not stop the agent). Fields are
 * read from the event's one-line JSON with sed -E: a string field's escaped content is copied
 * as it is, so it stays valid JSON.
 */
export const HOOK_SCRIPT = `#!/bin/sh
# hal9000: records this worker's state for \`hal9000 status/wait/watch\`. Written by hal9000 at
# each spawn; your own hooks live beside it in ~/.claude/settings.json.
dir="\${HOME:-${WORKER_HOME_PATH}}/${WORKER_STATE_DIR}"
state="$1"
input=$(cat)
field() {
  printf '%s' "$input" | sed -nE 's/.*"'"$1"'"[[:space:]]*:[[:space:]]*"(([^"\\\\]|\\\\.)*)".*/\\1/p' | head -n 1
}
event=$(field hook_event_name)
tool=$(field tool_name)
sid=$(field session_id)
message=""
case "$state" in
  notify)
    message=$(field message)
    if [ "$(field notification_type)" = idle_prompt ]; then state=idle; else state=waiting; fi ;;
  permission)
    state=waiting
    message="Claude needs your permission to use $tool" ;;
esac
mkdir -p "$dir" 2>/dev/null
last="$tool"
if [ -z "$last" ] && [ -f "$dir/${WORKER_STATE_FILE}" ]; then
  last=$(sed -nE 's/.*"lastTool":"(([^"\\\\]|\\\\.)*)".*/\\1/p' "$dir/${WORKER_STATE_FILE}" | head -n 1)
fi
now=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
case "$now" in *N*) now=$(date -u +%Y-%m-%dT%H:%M:%SZ) ;; esac
q() { if [ -n "$1" ]; then printf '"%s"' "$1"; else printf 'null'; fi; }
line="{\\"state\\":\\"$state\\",\\"since\\":\\"$now\\",\\"event\\":$(q "$event"),\\"tool\\":$(q "$tool"),\\"lastTool\\":$(q "$last"),\\"message\\":$(q "$message"),\\"sessionId\\":$(q "$sid")}"
printf '%s\\n' "$line" >> "$dir/${WORKER_EVENTS_FILE}" 2>/dev/null
printf '%s\\n' "$line" > "$dir/${WORKER_STATE_FILE}.$$" 2>/dev/null && mv -f "$dir/${WORKER_STATE_FILE}.$$" "$dir/${WORKER_STATE_FILE}" 2>/dev/null
exit 0
`;

type Settings = Record<string, unknown>;
type HookGroup = { matcher?: string; hooks?: unknown[] } & Record<string, unknown>;

/** Whether a hook group is one hal9000 wrote (its command runs the state hook). */
function isOurs(group: unknown): boolean {
  if (typeof group !== "object" || group === null) return false;
  const hooks = (group as HookGroup).hooks;
  return (
    Array.isArray(hooks) &&
    hooks.some(
      (h) =>
        typeof h === "object" &&
        h !== null &&
        typeof (h as { command?: unknown }).command === "string" &&
        (h as { command: string }).command.includes(HOOK_SCRIPT_PATH),
    )
  );
}

/**
 * `settings` with hal9000's state hooks added to `hooks.<Event>`: the user's own groups kept
 * first and unchanged, hal9000's (from an earlier spawn) replaced by fresh ones.
 */
export function settingsWithStateHooks(settings: Settings): Settings {
  const hooks: Record<string, unknown> =
    typeof settings.hooks === "object" && settings.hooks !== null && !Array.isArray(settings.hooks)
      ? { ...(settings.hooks as Record<string, unknown>) }
      : {};
  for (const [event, state] of Object.entries(HOOK_EVENTS)) {
    const existing = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    const group: HookGroup = {
      hooks: [{ type: "command", command: `sh ${HOOK_SCRIPT_PATH} ${state}`, timeout: 10 }],
    };
    if (TOOL_EVENTS.has(event)) group.matcher = "*";
    hooks[event] = [...existing.filter((g) => !isOurs(g)), group];
  }
  return { ...settings, hooks };
}

/** `settings` without hal9000's hooks (what the user had). */
export function settingsWithoutStateHooks(settings: Settings): Settings {
  if (typeof settings.hooks !== "object" || settings.hooks === null) return settings;
  const hooks: Record<string, unknown> = {};
  for (const [event, groups] of Object.entries(settings.hooks as Record<string, unknown>)) {
    const kept = Array.isArray(groups) ? groups.filter((g) => !isOurs(g)) : groups;
    if (!Array.isArray(kept) || kept.length > 0) hooks[event] = kept;
  }
  const { hooks: _, ...rest } = settings;
  return Object.keys(hooks).length > 0 ? { ...rest, hooks } : rest;
}
