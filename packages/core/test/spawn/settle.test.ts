import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { saveEarlyOutput, workerExitedHint, workerExitedMessage } from "../../src/spawn/settle.js";
import { lastOutputLines, terminalText } from "../../src/worker/terminal-text.js";

/**
 * What `claude` (2.1) printed on a TTY in a worker with a fresh home and no network, byte for
 * byte: each word placed by a cursor move (ESC[nG), colours, private modes, OSC queries,
 * a charset selection and SI.
 */
const CLAUDE_OFFLINE =
  "\x1b7\x1b[r\x1b8\x1b[?25h\x1b[?25l\x1b[?2004h\x1b[?2031h\x1b[?1004h\x1b[31mWelcome\x1b[9Gto\x1b[12GClaude\x1b[19GCode\x1b[24G\x1b[37m\x1b[2mv2.1.332\x1b[22m\x1b[39m\r\r\n\r\r\n" +
  "\x1b]11;?\x07\x1b[c\x1b[>0q\x1b[?u\x1b]7501;?\x07\x1b[c\x1b[2G\x1b[95mUnable\x1b[9Gto\x1b[12Gconnect\x1b[20Gto\x1b[23GAnthropic\x1b[33Gservices\x1b[39m\r\r\n\r\r\n" +
  "\x1b[2G\x1b[95mFailed\x1b[9Gto\x1b[12Gconnect\x1b[20Gto\x1b[23Gapi.anthropic.com:\x1b[42GENOTFOUND\x1b[39m\r\r\n\r\r\n" +
  "\x1b[2GCheck\x1b[8Gyour\x1b[13Ginternet\x1b[22Gconnection\x1b[33Gand\x1b[37Gnetwork\x1b[45Gsettings.\r\r\n\r\r\n" +
  "\x1b[2GClaude\x1b[9GCode\x1b[14Gmight\x1b[20Gnot\x1b[24Gbe\x1b[27Gavailable\x1b[37Gin\x1b[40Gyour\x1b[45Gcountry.\x1b[54GCheck\x1b[60Gsupported\x1b[70Gcountries\r\r\n" +
  "\x1b[2Gat\x1b[5G\x1b[97mhttps://anthropic.com/supported-countries\x1b[39m\r\r\n" +
  "\x1b[?25h\x1b[?1004l\x1b[>4m\x1b[<u\x1b[?2031l\x1b[?2004l\x1b(B\x0f\x1b[?1016l\x1b[?1006l\x1b[?1003l\x1b[?1002l\x1b[?1000l\x1b[?7h\x1b[?25h\x1b7\x1b[r\x1b8\x1b[?25h";

describe("terminalText", () => {
  it("renders Claude's offline screen as the words a person saw", () => {
    expect(terminalText(CLAUDE_OFFLINE).split("\n")).toEqual([
      "Welcome to Claude Code v2.1.332",
      "",
      " Unable to connect to Anthropic services",
      "",
      " Failed to connect to api.anthropic.com: ENOTFOUND",
      "",
      " Check your internet connection and network settings.",
      "",
      " Claude Code might not be available in your country. Check supported countries",
      " at https://anthropic.com/supported-countries",
    ]);
  });

  it("leaves no escape or control character behind", () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the point of the test
    expect(terminalText(CLAUDE_OFFLINE)).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
  });

  it("keeps plain text, LF or CRLF", () => {
    expect(terminalText("boom\n")).toBe("boom");
    expect(terminalText("a\r\nb\r\n")).toBe("a\nb");
    expect(terminalText("no newline at the end")).toBe("no newline at the end");
  });

  it("carriage return and backspace overwrite, as on a screen", () => {
    expect(terminalText("50%\r100%\n")).toBe("100%");
    expect(terminalText("loading...\rdone\n")).toBe("doneing...");
    expect(terminalText("abc\b\bXY\n")).toBe("aXY");
  });

  it("cursor moves become spaces: to a column (G, `), forward (C), back (D); tabs to the next stop", () => {
    expect(terminalText("a\x1b[5Gb")).toBe("a   b");
    expect(terminalText("a\x1b[3`b")).toBe("a b");
    expect(terminalText("a\x1b[2Cb\x1b[Cc")).toBe("a  b c");
    expect(terminalText("abcd\x1b[2DX")).toBe("abXd");
    expect(terminalText("a\tb")).toBe("a       b");
  });

  it("erase in line: to the end, to the start, all of it", () => {
    expect(terminalText("hello\x1b[3D\x1b[K!")).toBe("he!");
    expect(terminalText("hello\x1b[2D\x1b[1K!")).toBe("   !o");
    expect(terminalText("hello\x1b[2Kbye")).toBe("     bye");
  });

  it("a move to another row starts a new line", () => {
    expect(terminalText("one\x1b[2;1Htwo\x1b[3;4Hthree")).toBe("one\ntwo\n   three");
    expect(terminalText("one\x1b[Etwo\x1bEthree")).toBe("one\ntwo\nthree");
  });

  it("drops SGR colours, private modes, OSC (BEL or ST), DCS, charset selection, two-byte escapes", () => {
    const raw =
      "\x1b[1;31mred\x1b[0m \x1b[?1049h\x1b]0;title\x07\x1b]8;;https://x\x1b\\link\x1b]8;;\x1b\\ \x1bPq#0\x1b\\\x1b(0\x1b)B\x1b=\x1b>\x1bMok";
    expect(terminalText(raw)).toBe("red link ok");
  });

  it("survives a sequence cut off at the end of the capture", () => {
    expect(terminalText("done\x1b[3")).toBe("done");
    expect(terminalText("done\x1b]0;unterminated")).toBe("done");
    expect(terminalText("done\x1b")).toBe("done");
  });

  it("keeps Unicode text, drops C1 controls", () => {
    expect(terminalText("✓ ready — 日本\u0085\n")).toBe("✓ ready — 日本");
  });
});

describe("lastOutputLines", () => {
  it("Claude's offline screen: its last five non-empty lines, trimmed and one-spaced", () => {
    expect(lastOutputLines(CLAUDE_OFFLINE)).toEqual([
      "Unable to connect to Anthropic services",
      "Failed to connect to api.anthropic.com: ENOTFOUND",
      "Check your internet connection and network settings.",
      "Claude Code might not be available in your country. Check supported countries",
      "at https://anthropic.com/supported-countries",
    ]);
  });

  it("fewer lines than asked, none, or n of them", () => {
    expect(lastOutputLines("boom\n")).toEqual(["boom"]);
    expect(lastOutputLines("\r\n  \r\n\x1b[2J")).toEqual([]);
    expect(lastOutputLines("a\nb\nc\n", 2)).toEqual(["b", "c"]);
    expect(lastOutputLines("a\n", 0)).toEqual([]);
  });

  it("cuts a runaway line at 200 characters", () => {
    const [line] = lastOutputLines(`${"x".repeat(1000)}\n`);
    expect(line).toHaveLength(200);
    expect(line?.endsWith("…")).toBe(true);
  });
});

describe("workerExitedMessage", () => {
  it("names the worker and its exit code, then its last lines on one line", () => {
    expect(workerExitedMessage("w1", 3, ["boom"])).toBe(
      "worker w1 exited right after starting (exit code 3): boom",
    );
    expect(workerExitedMessage("w1", 1, ["Unable to connect", "Failed: ENOTFOUND"])).toBe(
      "worker w1 exited right after starting (exit code 1): Unable to connect | Failed: ENOTFOUND",
    );
  });

  it("says so when it printed nothing or its exit code is unknown", () => {
    expect(workerExitedMessage("w1", 0, [])).toBe(
      "worker w1 exited right after starting (exit code 0), printing nothing",
    );
    expect(workerExitedMessage("w1", null, ["x"])).toBe(
      "worker w1 exited right after starting (exit code unknown): x",
    );
  });
});

describe("workerExitedHint", () => {
  const logFile = "/home/u/.hal9000/logs/w1.log";

  it("an --rm worker: the log file, an interactive spawn on the project, or --no-rm and logs", () => {
    expect(workerExitedHint({ name: "w1", project: "/src/app", removeOnExit: true, logFile })).toBe(
      "its whole output is in /home/u/.hal9000/logs/w1.log; to watch it start, run `hal9000 spawn /src/app` (interactive), or `hal9000 spawn -d --no-rm /src/app` then `hal9000 logs <name>`",
    );
  });

  it("a kept worker: its logs by name; no project, and a project path that needs quoting", () => {
    expect(workerExitedHint({ name: "w1", project: null, removeOnExit: false, logFile })).toBe(
      "its whole output is in /home/u/.hal9000/logs/w1.log; to watch it start, run `hal9000 spawn` (interactive), or `hal9000 logs w1`",
    );
    expect(
      workerExitedHint({ name: "w1", project: "/src/it's mine", removeOnExit: false, logFile }),
    ).toContain("`hal9000 spawn '/src/it'\\''s mine'` (interactive)");
  });

  it("says why the output could not be saved", () => {
    expect(
      workerExitedHint({ name: "w1", project: null, removeOnExit: true, logFile, saveProblem: "EACCES" }),
    ).toMatch(/^its output could not be saved to \/home\/u\/\.hal9000\/logs\/w1\.log \(EACCES\); /);
  });
});

describe("saveEarlyOutput", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("creates the log directory and file with the output", async () => {
    dir = await mkdtemp(join(tmpdir(), "hal9000-settle-"));
    const logs = join(dir, "logs");
    const file = await saveEarlyOutput(logs, "w1", Buffer.from("boom\r\n"), 0);
    expect(file).toBe(join(logs, "w1.log"));
    expect(await readFile(file, "utf8")).toBe("boom\r\n");
  });

  it("keeps what an earlier worker of the name left, and replaces a partial copy of this one's", async () => {
    dir = await mkdtemp(join(tmpdir(), "hal9000-settle-"));
    const file = join(dir, "w1.log");
    // An earlier worker's log, then the first bytes of this one's as a coordinator saved them.
    await writeFile(file, "earlier run\nbo");
    await saveEarlyOutput(dir, "w1", Buffer.from("boom\n"), "earlier run\n".length);
    expect(await readFile(file, "utf8")).toBe("earlier run\nboom\n");
  });
});
