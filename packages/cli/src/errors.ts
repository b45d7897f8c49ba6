/**
 * How the one error boundary turns anything thrown into what a user sees: `code`,
 * one-line `message`, a `hint` (what to do) and the exit code (exit-codes.ts).
 */
import { isHal9000Error } from "@hal9000/volumes";
import { EXIT } from "./exit-codes.js";

/** Bad command line: unknown command or option, missing argument, missing confirmation. */
export class UsageError extends Error {
  readonly code = "USAGE";
  readonly hint: string | undefined;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = "UsageError";
    this.hint = hint;
  }
}

/** The user answered "no" to a confirmation (or pressed Ctrl-C at a prompt); nothing changed. */
export class CancelledError extends Error {
  readonly code = "CANCELLED";
  readonly hint: string | undefined = undefined;

  constructor(message: string) {
    super(message);
    this.name = "CancelledError";
  }
}

export interface ErrorReport {
  code: string;
  message: string;
  hint: string | undefined;
  exitCode: number;
}

const DEFAULT_HINT = "run again with --verbose for details";

/** Package errors that are an outcome with its own exit code rather than hal9000 failing. */
const EXIT_BY_CODE: Record<string, number> = {
  /** `wait --timeout`, `send --wait --timeout`: ran out of time, as timeout(1) says it. */
  WAIT_TIMEOUT: EXIT.TIMED_OUT,
};

/**
 * Errors from the packages (Hal9000Error, VolumesError, ConfigError) carry `code` and `hint`;
 * they are recognised by their brand (isHal9000Error), not class, so the bundled CLI and a
 * linked package agree.
 */
export function reportOf(err: unknown): ErrorReport {
  if (err instanceof UsageError) {
    return { code: err.code, message: err.message, hint: err.hint, exitCode: EXIT.FAILURE };
  }
  if (err instanceof CancelledError) {
    return { code: err.code, message: err.message, hint: err.hint, exitCode: EXIT.CANCELLED };
  }
  if (err instanceof Error) {
    const shaped = err as Error & { file?: unknown; line?: unknown };
    // An errno error has a code too, but no brand: it is unexpected, so INTERNAL with the default hint.
    const known = isHal9000Error(err) ? err : undefined;
    const hint = known?.hint ? known.hint : undefined;
    return {
      code: known ? known.code : "INTERNAL",
      message: oneLine(withLocation(shaped.message, shaped.file, shaped.line)),
      hint: hint ?? (known ? undefined : DEFAULT_HINT),
      exitCode: (known && EXIT_BY_CODE[known.code]) || EXIT.FAILURE,
    };
  }
  return { code: "INTERNAL", message: String(err), hint: DEFAULT_HINT, exitCode: EXIT.FAILURE };
}

/** ConfigError names its file and line: say where, unless the message already does. */
function withLocation(message: string, file: unknown, line: unknown): string {
  if (typeof file !== "string" || message.includes(file)) return message;
  return typeof line === "number" ? `${file}:${line}: ${message}` : `${file}: ${message}`;
}

function oneLine(message: string): string {
  return message.trim().replace(/\s*\n\s*/g, " ");
}
