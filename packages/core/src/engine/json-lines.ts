/**
 * The Engine API streams events and build progress as newline-delimited JSON, split across
 * chunks at any byte. One splitter for both: it keeps a partial last line for the next chunk.
 * A line that is not JSON goes to `unreadable`, whose answer (if any) is yielded in its place.
 */
export class JsonLineSplitter<T> {
  #buffer = "";
  readonly #unreadable: (line: string) => T | undefined;

  constructor(unreadable: (line: string) => T | undefined = () => undefined) {
    this.#unreadable = unreadable;
  }

  push(chunk: string | Buffer): T[] {
    this.#buffer += chunk.toString();
    const lines = this.#buffer.split(/\r?\n/);
    this.#buffer = lines.pop() ?? "";
    return lines.flatMap((line) => this.#parse(line));
  }

  /** Whatever is left when the stream ends (the daemon may omit the last newline). */
  end(): T[] {
    const rest = this.#buffer;
    this.#buffer = "";
    return this.#parse(rest);
  }

  #parse(line: string): T[] {
    const text = line.trim();
    if (!text) return [];
    try {
      return [JSON.parse(text) as T];
    } catch {
      const instead = this.#unreadable(text);
      return instead === undefined ? [] : [instead];
    }
  }
}

/** The parsed lines of a JSON-lines stream, until it ends; its error is thrown. */
export async function* jsonLines<T>(
  stream: AsyncIterable<string | Buffer>,
  unreadable?: (line: string) => T | undefined,
): AsyncGenerator<T> {
  const splitter = new JsonLineSplitter<T>(unreadable);
  for await (const chunk of stream) yield* splitter.push(chunk);
  yield* splitter.end();
}
