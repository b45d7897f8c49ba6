import type { ErrorReport } from "./errors.js";
import { type Style, style } from "./style.js";

export interface OutputOptions {
  json: boolean;
  verbose: boolean;
  /** Whether each stream may carry ANSI colour (a terminal, no NO_COLOR). */
  color: { stdout: boolean; stderr: boolean };
}

export interface Writable {
  write(chunk: string | Uint8Array): unknown;
}

/**
 * Everything the CLI prints goes through here. Under --json, stdout carries exactly one
 * JSON document (the result, or `{ error }`); everything meant for people goes to stderr.
 */
export class Output {
  /** Styling for text on stdout / stderr. */
  readonly style: Style;
  readonly errStyle: Style;
  private documentWritten = false;

  constructor(
    private readonly io: { stdout: Writable; stderr: Writable },
    readonly options: OutputOptions,
  ) {
    this.style = style(options.color.stdout && !options.json);
    this.errStyle = style(options.color.stderr);
  }

  get json(): boolean {
    return this.options.json;
  }

  /** Whether the command already printed its result document. */
  get wroteDocument(): boolean {
    return this.documentWritten;
  }

  /** A line of the human report: stdout, or stderr under --json where stdout holds only the document. */
  say(text = ""): void {
    if (this.options.json) this.io.stderr.write(`${text}\n`);
    else this.io.stdout.write(`${text}\n`);
  }

  /** Progress, warnings, notices: always stderr. */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  /** Raw bytes for stdout (help text, completion scripts, log streams). */
  raw(text: string | Uint8Array): void {
    this.io.stdout.write(text);
  }

  /** The command's result: the JSON document under --json, otherwise its human form. */
  result(doc: unknown, human: () => string | string[]): void {
    if (this.options.json) {
      if (this.documentWritten) throw new Error("internal: a command printed two JSON documents");
      this.documentWritten = true;
      this.io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      return;
    }
    const text = human();
    const lines = Array.isArray(text) ? text : [text];
    if (lines.length > 0) this.io.stdout.write(`${lines.join("\n")}\n`);
  }

  /** What failed and what to do, in two lines; the stack only with --verbose. */
  error(report: ErrorReport, err?: unknown): void {
    const s = this.errStyle;
    let text = `${s.red(s.bold("hal9000:"))} ${report.message}\n`;
    if (report.hint) text += `  ${s.dim("hint:")} ${report.hint}\n`;
    if (this.options.verbose && err instanceof Error && err.stack) text += `${s.dim(causeChain(err))}\n`;
    this.io.stderr.write(text);
    if (this.options.json && !this.documentWritten) {
      this.documentWritten = true;
      const doc = { error: { code: report.code, message: report.message, hint: report.hint ?? null } };
      this.io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    }
  }
}

function causeChain(err: Error): string {
  let text = err.stack ?? String(err);
  let cause = err.cause;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++) {
    text += `\ncaused by: ${cause.stack ?? cause.message}`;
    cause = cause.cause;
  }
  return text;
}
