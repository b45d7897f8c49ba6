import { Hal9000Error } from "../vocabulary/errors.js";

interface TaskErrorOptions {
  worker: string | null;
  hint?: string;
  cause?: unknown;
}

/** The caller's signal aborted a task: its worker was stopped (and removed unless kept). */
export class TaskAbortedError extends Hal9000Error {
  readonly worker: string | null;
  constructor(message: string, options: TaskErrorOptions) {
    super("TASK_ABORTED", message, options);
    this.worker = options.worker;
  }
}

/** A task ran past its timeoutMs: its worker was stopped (and removed unless kept). */
export class TaskTimeoutError extends Hal9000Error {
  readonly worker: string | null;
  readonly timeoutMs: number;
  constructor(message: string, options: TaskErrorOptions & { timeoutMs: number }) {
    super("TASK_TIMEOUT", message, options);
    this.worker = options.worker;
    this.timeoutMs = options.timeoutMs;
  }
}

/** Claude ended without a final result (it crashed, or could not start): its exit code and last output. */
export class TaskFailedError extends Hal9000Error {
  readonly worker: string | null;
  readonly exitCode: number | null;
  readonly lastOutput: string[];
  constructor(
    message: string,
    options: TaskErrorOptions & { exitCode: number | null; lastOutput: string[] },
  ) {
    super("TASK_FAILED", message, options);
    this.worker = options.worker;
    this.exitCode = options.exitCode;
    this.lastOutput = options.lastOutput;
  }
}

/**
 * The Messages API refused the worker's credential (`status` 401 or 403), or Claude had none
 * it could use (`status` null: "Not logged in"). The task was stopped at once: Claude would
 * otherwise retry a refused API key for minutes.
 */
export class TaskCredentialError extends Hal9000Error {
  readonly worker: string | null;
  readonly status: number | null;
  constructor(message: string, options: TaskErrorOptions & { status: number | null }) {
    super("CREDENTIAL_REFUSED", message, options);
    this.worker = options.worker;
    this.status = options.status;
  }
}
