/** The relay's log: one line per event, `<ISO time> <level> <who> <what>`, appended to its file. */
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";

export type RelayLogLevel = "debug" | "info" | "error";

export class RelayLog {
  readonly #out: WriteStream | NodeJS.WritableStream;
  readonly #debug: boolean;

  private constructor(out: WriteStream | NodeJS.WritableStream, debug: boolean) {
    this.#out = out;
    this.#debug = debug;
  }

  /** Appends to `file`; with `echo`, also writes each line to that stream (the foreground relay's stderr). */
  static async open(
    file: string,
    opts: { debug?: boolean; echo?: NodeJS.WritableStream } = {},
  ): Promise<RelayLog> {
    await mkdir(dirname(file), { recursive: true });
    const stream = createWriteStream(file, { flags: "a", mode: 0o600 });
    const echo = opts.echo;
    const out = echo
      ? ({
          write: (line: string) => {
            stream.write(line);
            echo.write(line);
            return true;
          },
          end: (cb?: () => void) => stream.end(cb),
        } as unknown as NodeJS.WritableStream)
      : stream;
    return new RelayLog(out, opts.debug ?? false);
  }

  #line(level: RelayLogLevel, who: string, what: string): void {
    this.#out.write(`${new Date().toISOString()} ${level} ${who} ${what}\n`);
  }

  debug(who: string, what: string): void {
    if (this.#debug) this.#line("debug", who, what);
  }

  info(who: string, what: string): void {
    this.#line("info", who, what);
  }

  error(who: string, what: string): void {
    this.#line("error", who, what);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#out.end(() => resolve()));
  }
}
