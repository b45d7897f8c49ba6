/**
 * A strict JSON reader that remembers the line of every object key, so a config error can say
 * "mcp.json:7: key "args"". JSON.parse keeps the last of two equal keys silently; this reports them.
 */

export interface JsonKeyLines {
  /** The value, exactly as JSON.parse would give it. */
  value: unknown;
  /** 1-based line of each key, by path ("mcpServers/memory/command"). */
  lines: Map<string, number>;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    /** The path of the object holding a duplicate key, when that is the problem. */
    readonly duplicate?: { path: string; key: string },
  ) {
    super(message);
  }
}

/** Parses `text`; throws JsonSyntaxError with the line of the first problem. */
export function parseJsonWithLines(text: string): JsonKeyLines {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const fail = (msg: string): never => {
    throw new JsonSyntaxError(msg, line);
  };
  const ws = () => {
    while (i < text.length) {
      const c = text[i];
      if (c === "\n") line++;
      else if (c !== " " && c !== "\t" && c !== "\r") break;
      i++;
    }
  };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") i++;
      else if (text[i] === "\n") fail("unterminated string");
      i++;
    }
    if (i >= text.length) fail("unterminated string");
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return fail("invalid string escape");
    }
  };
  const value = (path: string): unknown => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === "}") {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("expected a quoted key");
        const keyLine = line;
        const key = str();
        const keyPath = path === "" ? key : `${path}/${key}`;
        if (Object.hasOwn(obj, key)) {
          throw new JsonSyntaxError(`duplicate key "${key}"`, keyLine, { path, key });
        }
        lines.set(keyPath, keyLine);
        ws();
        if (text[i] !== ":") fail(`expected ":" after "${key}"`);
        i++;
        Object.defineProperty(obj, key, {
          value: value(keyPath),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return obj;
        }
        fail('expected "," or "}"');
      }
    }
    if (c === "[") {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(`${path}/${arr.length}`));
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return arr;
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return str();
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) return fail(i >= text.length ? "unexpected end of file" : `unexpected character "${c}"`);
    i += m[0].length;
    return JSON.parse(m[0]);
  };
  const result = value("");
  ws();
  if (i < text.length) fail("unexpected text after the JSON value");
  return { value: result, lines };
}
