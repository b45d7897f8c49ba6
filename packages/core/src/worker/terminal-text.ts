/**
 * Terminal output as plain text: what a worker's TTY output says, for error messages that
 * quote it (a worker that exited at once, see settle.ts).
 */

/** How many of its last output lines are quoted by default. */
export const QUOTED_LINES = 5;
/** A quoted line is cut here: one runaway line must not flood the message. */
const MAX_LINE_CHARS = 200;

const ESC = "\u001b";

/**
 * What a terminal would show of `raw`, line by line, as plain text: escape sequences
 * (CSI, OSC, DCS, charset selection, ...) dropped; column moves (`ESC[9G`, `ESC[3C`) become
 * spaces, so TUI output that places each word by cursor (as Claude Code does) stays
 * readable; carriage return and backspace overwrite as on a screen. Rows are not modelled:
 * a cursor moved up to redraw shows both the old and the new text.
 */
export function terminalText(raw: string): string {
  const lines: string[] = [];
  let line: string[] = [];
  let col = 0;
  const put = (ch: string) => {
    while (line.length < col) line.push(" ");
    line[col] = ch;
    col++;
  };
  const newline = () => {
    lines.push(line.join("").trimEnd());
    line = [];
    col = 0;
  };
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i] as string;
    if (ch === ESC) {
      i = escapeSequence(raw, i + 1, {
        column: (n) => {
          col = Math.max(0, n);
        },
        forward: (n) => {
          col += n;
        },
        back: (n) => {
          col = Math.max(0, col - n);
        },
        eraseLine: (mode) => {
          if (mode === 0) line.length = Math.min(line.length, col);
          else if (mode === 1) line = line.map((c, k) => (k <= col ? " " : c));
          else line = [];
        },
        newline: () => {
          if (line.length > 0) newline();
        },
      });
      continue;
    }
    i++;
    if (ch === "\n") newline();
    else if (ch === "\r") col = 0;
    else if (ch === "\b") col = Math.max(0, col - 1);
    else if (ch === "\t") col = (Math.floor(col / 8) + 1) * 8;
    else if (ch < " " || ch === "\u007f" || (ch >= "\u0080" && ch <= "\u009f"))
      continue; // other controls
    else put(ch);
  }
  if (line.length > 0) newline();
  return lines.join("\n");
}

interface Cursor {
  column(n: number): void;
  forward(n: number): void;
  back(n: number): void;
  eraseLine(mode: number): void;
  newline(): void;
}

/** Reads the sequence after an ESC at `start`; applies what moves the cursor; returns the index after it. */
function escapeSequence(raw: string, start: number, cursor: Cursor): number {
  const kind = raw[start];
  if (kind === undefined) return start;
  if (kind === "[") {
    let end = start + 1;
    while (end < raw.length && !isFinalByte(raw.charCodeAt(end))) end++;
    if (end >= raw.length) return raw.length;
    applyCsi(raw.slice(start + 1, end), raw[end] as string, cursor);
    return end + 1;
  }
  // OSC, DCS, SOS, PM, APC: a string up to BEL or ST (ESC \).
  if ("]PX^_".includes(kind)) {
    for (let k = start + 1; k < raw.length; k++) {
      if (raw[k] === "\u0007") return k + 1;
      if (raw[k] === ESC && raw[k + 1] === "\\") return k + 2;
    }
    return raw.length;
  }
  // nF (e.g. ESC ( B, charset selection): intermediates 0x20-0x2f, then one final byte.
  let k = start;
  while (k < raw.length && raw.charCodeAt(k) >= 0x20 && raw.charCodeAt(k) <= 0x2f) k++;
  if (k > start) return Math.min(k + 1, raw.length);
  // Any other two-character sequence (ESC 7, ESC 8, ESC =, ESC M, ...).
  if (kind === "E") cursor.newline(); // NEL
  return start + 1;
}

function isFinalByte(code: number): boolean {
  return code >= 0x40 && code <= 0x7e;
}

function applyCsi(params: string, final: string, cursor: Cursor): void {
  if (/^[<=>?]/.test(params)) return; // private modes: nothing drawn
  const n = Number.parseInt(params.split(";")[0] ?? "", 10);
  const count = Number.isNaN(n) || n < 1 ? 1 : n;
  switch (final) {
    case "G": // CHA: to column n (1-based)
    case "`": // HPA
      cursor.column(count - 1);
      return;
    case "C": // CUF: forward n
      cursor.forward(count);
      return;
    case "D": // CUB: back n
      cursor.back(count);
      return;
    case "K": // EL: 0 to the end, 1 to the start, 2 the whole line
      cursor.eraseLine(Number.isNaN(n) ? 0 : n);
      return;
    case "E": // CNL, CPL, CUD, CUP, HVP: another row; here, another line
    case "F":
    case "B":
    case "H":
    case "f": {
      cursor.newline();
      const column = Number.parseInt(params.split(";")[1] ?? "", 10);
      if ((final === "H" || final === "f") && column > 1) cursor.column(column - 1);
      return;
    }
    default: // colours, scrolling, erase display, ...: nothing to keep
      return;
  }
}

/** The last `n` non-empty lines of a worker's terminal output, plain and one-spaced, each at most 200 characters. */
export function lastOutputLines(raw: string, n = QUOTED_LINES): string[] {
  if (n <= 0) return [];
  return terminalText(raw)
    .split("\n")
    .map((l) => l.replace(/\s+/g, " ").trim())
    .filter((l) => l !== "")
    .slice(-n)
    .map((l) => (l.length > MAX_LINE_CHARS ? `${l.slice(0, MAX_LINE_CHARS - 1)}…` : l));
}
