import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { claudeTaskCommand, validateClaudeTaskArgs } from "../../src/tasks/claude-args.js";
import { EventLog } from "../../src/tasks/event-log.js";
import { ttyLine, validateTaskOptions } from "../../src/tasks/run-task.js";
import { parseStreamJsonLine } from "../../src/tasks/stream-json.js";

/** What `claude -p … --output-format stream-json --verbose` (2.1.332) printed for a Write it was not allowed. */
const MEASURED = readFileSync(new URL("./fixtures/claude-write-denied.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l !== "");

describe("Claude's stream-json lines as task events", () => {
  const events = MEASURED.flatMap((line, i) => parseStreamJsonLine(line, i + 1) ?? []);

  it("reads the session, the tool use and its result, the text and the final result, in order", () => {
    expect(events.map((e) => e.type)).toEqual([
      "claude",
      "claude",
      "session",
      "tool_use",
      "permission_denied",
      "tool_result",
      "text",
      "result",
    ]);
    expect(events[2]).toMatchObject({
      type: "session",
      sessionId: "3b43a6b5-9214-4533-adb3-8f9384f52fd2",
      cwd: "/workspace",
      tools: ["Task", "Bash", "CronCreate", "Write"],
      permissionMode: "default",
    });
    expect(events[3]).toMatchObject({
      type: "tool_use",
      name: "Write",
      input: { file_path: "/workspace/hello.txt", content: "hi from claude\n" },
    });
    expect(events[5]).toMatchObject({ type: "tool_result", isError: true });
    expect(events[6]).toMatchObject({ type: "text", text: "Wrote it." });
  });

  it("the result carries cost, turns, durations, session id and the denied tools", () => {
    const result = events.at(-1);
    expect(result?.type === "result" && result.result).toEqual({
      subtype: "success",
      isError: false,
      text: "Wrote it.",
      sessionId: "3b43a6b5-9214-4533-adb3-8f9384f52fd2",
      costUsd: 0.000656,
      turns: 2,
      durationMs: 207,
      durationApiMs: 51,
      usage: { input_tokens: 24, output_tokens: 28 },
      permissionDenials: [
        { tool: "Write", input: { file_path: "/workspace/hello.txt", content: "hi from claude\n" } },
      ],
    });
  });

  it("every event keeps the exact line Claude printed and its number", () => {
    for (const e of events) expect(e.line).toBe(MEASURED[e.seq - 1]);
  });

  it("a line that is not a JSON object is not an event", () => {
    expect(parseStreamJsonLine("Error: Invalid API key", 1)).toBeUndefined();
    expect(parseStreamJsonLine("[1,2]", 1)).toBeUndefined();
    expect(parseStreamJsonLine("{not json", 1)).toBeUndefined();
  });

  it("a message with two blocks gives two events of the same line", () => {
    const line = JSON.stringify({
      type: "assistant",
      message: {
        content: [
          { type: "text", text: "Writing." },
          { type: "tool_use", id: "t1", name: "Write", input: {} },
        ],
      },
    });
    const parsed = parseStreamJsonLine(line, 7) ?? [];
    expect(parsed.map((e) => [e.type, e.seq])).toEqual([
      ["text", 7],
      ["tool_use", 7],
    ]);
  });
});

describe("the worker's TTY lines", () => {
  it("drops the terminal's CRs and cursor sequences before a JSON object", () => {
    expect(ttyLine('{"type":"result"}\r')).toBe('{"type":"result"}');
    expect(ttyLine('\x1b[?25l{"a":1}\r\r')).toBe('{"a":1}');
    expect(ttyLine("plain text\r")).toBe("plain text");
  });
});

describe("the claude command of a task", () => {
  it("is claude -p PROMPT with stream-json, then model, permission mode and tools (one argument each)", () => {
    expect(
      claudeTaskCommand({
        prompt: "add a README",
        model: "sonnet",
        permissionMode: "acceptEdits",
        allowedTools: ["Write", "Bash(git add, git commit)"],
      }),
    ).toEqual([
      "claude",
      "-p",
      "add a README",
      "--output-format",
      "stream-json",
      "--verbose",
      "--model",
      "sonnet",
      "--permission-mode",
      "acceptEdits",
      "--allowedTools",
      "Write",
      "Bash(git add, git commit)",
    ]);
  });

  it.each([
    [{ prompt: "" }, /prompt is empty/],
    [{ prompt: "  \n" }, /prompt is empty/],
    [{ prompt: "x", model: "so net" }, /invalid model/],
    [{ prompt: "x", allowedTools: ["Write", ""] }, /list of tool names/],
    [{ prompt: "x", permissionMode: "yolo" }, /invalid permission mode "yolo"/],
  ])("refuses %j with a hint", (args, message) => {
    expect(() => validateClaudeTaskArgs(args as never)).toThrow(message);
    try {
      validateClaudeTaskArgs(args as never);
    } catch (err) {
      expect((err as { hint?: string }).hint).toBeTruthy();
    }
  });

  it.each([0, -5, Number.NaN, "10"])("refuses timeoutMs %j", (timeoutMs) => {
    expect(() => validateTaskOptions({ prompt: "x", timeoutMs } as never)).toThrow(/invalid timeoutMs/);
  });
});

describe("EventLog", () => {
  it("every iterator sees every event from the start, however late it starts, and ends with the log", async () => {
    const log = new EventLog<number>();
    log.push(1);
    const early = (async () => {
      const seen: number[] = [];
      for await (const n of log) seen.push(n);
      return seen;
    })();
    log.push(2);
    await new Promise((r) => setTimeout(r, 5));
    log.push(3);
    log.end();
    log.push(4);
    const late: number[] = [];
    for await (const n of log) late.push(n);
    expect(await early).toEqual([1, 2, 3]);
    expect(late).toEqual([1, 2, 3]);
  });
});

/** What claude -p printed (2.1.332, trimmed) when the API refused its OAuth token with a 401. */
const REFUSED = readFileSync(new URL("./fixtures/claude-credential-refused.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l !== "");

describe("an API error in Claude's stream", () => {
  const events = REFUSED.flatMap((line, i) => parseStreamJsonLine(line, i + 1) ?? []);

  it("is an api_error event: retrying on api_retry, then the one Claude gave up on, before its text", () => {
    expect(events.map((e) => e.type)).toEqual(["api_error", "api_error", "text", "result"]);
    expect(events[0]).toMatchObject({ error: "authentication_failed", status: 401, retrying: true });
    expect(events[1]).toMatchObject({ error: "authentication_failed", status: 401, retrying: false });
    expect(events[2]).toMatchObject({ type: "text", text: "Not logged in · Please run /login" });
  });

  it("without a status when no request was refused (no credential at all)", () => {
    const line = JSON.stringify({
      type: "assistant",
      message: { content: [{ type: "text", text: "Not logged in · Please run /login" }] },
      error: "authentication_failed",
      is_api_error_message: true,
    });
    expect(parseStreamJsonLine(line, 1)?.[0]).toMatchObject({
      type: "api_error",
      error: "authentication_failed",
      status: null,
      retrying: false,
    });
  });
});
