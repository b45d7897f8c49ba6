/**
 * The one base of every error hal9000's packages throw: `message` says what failed, `hint` what
 * to do, `code` lets callers branch, `cause` keeps the original. Each carries a brand under
 * Symbol.for("hal9000.error"), so isHal9000Error recognises one thrown by another copy of the
 * packages (a bundled CLI, a second install) where `instanceof` cannot.
 */
const BRAND = Symbol.for("hal9000.error");

export class Hal9000ErrorBase<Code extends string = string> extends Error {
  readonly code: Code;
  readonly hint: string | undefined;

  constructor(code: Code, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True for an error of any hal9000 package (core's Hal9000Error, VolumesError, ConfigError, …), whichever copy threw it. */
export function isHal9000Error(err: unknown): err is Hal9000ErrorBase {
  return typeof err === "object" && err !== null && (err as { [BRAND]?: unknown })[BRAND] === true;
}

export type VolumesErrorCode =
  | "INVALID_CONFIG"
  | "INVALID_HOME"
  | "INVALID_NAME"
  | "INVALID_RECORD"
  | "CORRUPT_RECORD"
  | "CONFIRMATION_REQUIRED"
  | "UNSAFE_PATH"
  | "CLEAN_FAILED"
  | "INVALID_CREDENTIAL"
  | "INSECURE_CREDENTIAL"
  | "LOCK_TIMEOUT";

export class VolumesError extends Hal9000ErrorBase<VolumesErrorCode> {}

/** A problem with HAL9000_HOME itself: wrong path, unsafe to clean, a file where a directory belongs. */
export class HomeError extends VolumesError {
  constructor(message: string, options: { code?: VolumesErrorCode; hint?: string; cause?: unknown } = {}) {
    super(options.code ?? "INVALID_HOME", message, options);
  }
}

/** hal9000.conf, a HAL9000_* variable or a flag holds something unusable. */
export class ConfigError extends VolumesError {
  declare readonly code: "INVALID_CONFIG";
  /** The file (or `$HAL9000_X` / `--flag`) the bad value came from. */
  readonly file: string | undefined;
  /** 1-based line in `file`. */
  readonly line: number | undefined;
  /** The config key, e.g. "WORKER_MAX_COUNT". */
  readonly key: string | undefined;

  constructor(
    message: string,
    options: { file?: string; line?: number; key?: string; hint?: string; cause?: unknown } = {},
  ) {
    super("INVALID_CONFIG", message, options);
    this.file = options.file;
    this.line = options.line;
    this.key = options.key;
  }
}

export function isVolumesError(err: unknown): err is VolumesError {
  return err instanceof VolumesError;
}
