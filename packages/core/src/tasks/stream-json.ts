/**
 * Claude Code's machine-readable output (`claude -p … --output-format stream-json --verbose`):
 * one JSON object a line. This turns a line into hal9000's typed task events. Measured with
 * Claude Code 2.1.332: `system` (subtypes `init`, `hook_started`, `hook_response`,
 * `permission_denied`, `api_retry`), `assistant` (content blocks `text` / `tool_use`; an API
 * error it gave up on is a synthetic one with `error` and `api_error_status`), `user`
 * (`tool_result` blocks) and one final `result`.
 */

/** What Claude reported at the end of a task (its `result` line). */
export interface ClaudeResult {
  /** Claude's `subtype`: "success", or an error kind such as "error_max_turns". */
  subtype: string;
  isError: boolean;
  /** The final text answer. */
  text: string;
  sessionId: string | null;
  costUsd: number | null;
  turns: number | null;
  durationMs: number | null;
  durationApiMs: number | null;
  usage: Record<string, unknown> | null;
  /** Tools Claude wanted but was not allowed to use. */
  permissionDenials: { tool: string; input: unknown }[];
}

/** An event read from Claude's stream; `line` is the exact line Claude printed, `seq` its number. */
export type ClaudeEvent = { line: string; seq: number } & (
  | {
      type: "session";
      sessionId: string;
      model: string | null;
      cwd: string | null;
      tools: string[];
      permissionMode: string | null;
    }
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | { type: "tool_result"; toolUseId: string; content: string; isError: boolean }
  | { type: "permission_denied"; tool: string; message: string }
  /**
   * The Messages API answered an error: Claude will try again (`retrying`, its `api_retry`
   * lines) or gave up (its synthetic assistant message). `error` is Claude's kind, e.g.
   * "authentication_failed" (a credential refused, or none at all: `status` null), "rate_limit".
   */
  | { type: "api_error"; error: string; status: number | null; retrying: boolean }
  | { type: "result"; result: ClaudeResult }
  /** Any other line Claude printed (hook progress, future message types). */
  | { type: "claude"; message: Record<string, unknown> }
);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** A tool_result's content as text (a string, or text blocks). */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((c) => (isObject(c) && typeof c.text === "string" ? c.text : ""))
    .filter((t) => t !== "")
    .join("\n");
}

export function claudeResult(m: Json): ClaudeResult {
  const denials = Array.isArray(m.permission_denials) ? m.permission_denials : [];
  return {
    subtype: str(m.subtype) ?? "unknown",
    isError: m.is_error === true,
    text: str(m.result) ?? "",
    sessionId: str(m.session_id),
    costUsd: num(m.total_cost_usd),
    turns: num(m.num_turns),
    durationMs: num(m.duration_ms),
    durationApiMs: num(m.duration_api_ms),
    usage: isObject(m.usage) ? m.usage : null,
    permissionDenials: denials
      .filter(isObject)
      .map((d) => ({ tool: str(d.tool_name) ?? "", input: d.tool_input })),
  };
}

/**
 * The events of one line of Claude's output; undefined when the line is not a JSON object
 * (the caller keeps it as plain output).
 */
export function parseStreamJsonLine(line: string, seq: number): ClaudeEvent[] | undefined {
  let m: unknown;
  try {
    m = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(m)) return undefined;
  const base = { line, seq };
  const other = (): ClaudeEvent[] => [{ ...base, type: "claude", message: m as Json }];
  switch (m.type) {
    case "system":
      if (m.subtype === "init") {
        return [
          {
            ...base,
            type: "session",
            sessionId: str(m.session_id) ?? "",
            model: str(m.model),
            cwd: str(m.cwd),
            tools: Array.isArray(m.tools) ? m.tools.filter((t): t is string => typeof t === "string") : [],
            permissionMode: str(m.permissionMode),
          },
        ];
      }
      if (m.subtype === "api_retry") {
        return [
          {
            ...base,
            type: "api_error",
            error: str(m.error) ?? "unknown",
            status: num(m.error_status),
            retrying: true,
          },
        ];
      }
      if (m.subtype === "permission_denied") {
        return [
          { ...base, type: "permission_denied", tool: str(m.tool_name) ?? "", message: str(m.message) ?? "" },
        ];
      }
      return other();
    case "assistant":
    case "user": {
      const content = isObject(m.message) && Array.isArray(m.message.content) ? m.message.content : [];
      const events: ClaudeEvent[] = [];
      if (m.type === "assistant" && m.is_api_error_message === true) {
        events.push({
          ...base,
          type: "api_error",
          error: str(m.error) ?? "unknown",
          status: num(m.api_error_status),
          retrying: false,
        });
      }
      for (const block of content) {
        if (!isObject(block)) continue;
        if (block.type === "text" && m.type === "assistant" && typeof block.text === "string") {
          events.push({ ...base, type: "text", text: block.text });
        } else if (block.type === "tool_use") {
          events.push({
            ...base,
            type: "tool_use",
            id: str(block.id) ?? "",
            name: str(block.name) ?? "",
            input: block.input,
          });
        } else if (block.type === "tool_result") {
          events.push({
            ...base,
            type: "tool_result",
            toolUseId: str(block.tool_use_id) ?? "",
            content: contentText(block.content),
            isError: block.is_error === true,
          });
        }
      }
      return events.length > 0 ? events : other();
    }
    case "result":
      return [{ ...base, type: "result", result: claudeResult(m) }];
    default:
      return other();
  }
}
