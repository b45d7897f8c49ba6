import { Hal9000ErrorBase, isHal9000Error } from "@hal9000/volumes";

/**
 * Typed errors. Every error hal9000 raises says what failed (`message`) and what to do
 * about it (`hint`), so the CLI can print two lines and a Node app can branch on `code`.
 */
export type Hal9000ErrorCode =
  | "NOT_FOUND"
  | "CONFLICT"
  | "INVALID_INPUT"
  | "PARENT_NOT_RUNNING"
  | "DOCKER_UNAVAILABLE"
  | "LIMIT_REACHED"
  | "BUILD_FAILED"
  | "WORKER_EXITED"
  | "TASK_ABORTED"
  | "TASK_TIMEOUT"
  | "TASK_FAILED"
  | "CREDENTIAL_REFUSED"
  | "WAIT_TIMEOUT"
  | "NO_CREDENTIAL"
  | "INTERNAL";

/** Core's errors, on the packages' one branded base (@hal9000/volumes' Hal9000ErrorBase). */
export class Hal9000Error extends Hal9000ErrorBase<Hal9000ErrorCode> {}

export class NotFoundError extends Hal9000Error {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super("NOT_FOUND", message, options);
  }
}

export class ConflictError extends Hal9000Error {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super("CONFLICT", message, options);
  }
}

export class InvalidInputError extends Hal9000Error {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super("INVALID_INPUT", message, options);
  }
}

export class ParentNotRunningError extends Hal9000Error {
  constructor(parentName: string, options: { hint?: string; cause?: unknown } = {}) {
    super("PARENT_NOT_RUNNING", `parent container "${parentName}" is not running`, {
      hint: "start it with `hal9000 parent start` (or `hal9000 up`)",
      ...options,
    });
  }
}

export class DockerUnavailableError extends Hal9000Error {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super("DOCKER_UNAVAILABLE", message, options);
  }
}

export class LimitReachedError extends Hal9000Error {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super("LIMIT_REACHED", message, options);
  }
}

export class BuildFailedError extends Hal9000Error {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super("BUILD_FAILED", message, options);
  }
}

/** A detached worker that stopped within its settle window: what it printed last, and where all of it is. */
export class WorkerExitedError extends Hal9000Error {
  readonly worker: string;
  /** null when the daemon did not say (the container was gone before it could be asked). */
  readonly exitCode: number | null;
  /** Its last non-empty output lines, as plain text. */
  readonly lastOutput: string[];
  /** Where its whole output was saved. */
  readonly logFile: string;

  constructor(
    message: string,
    options: {
      worker: string;
      exitCode: number | null;
      lastOutput: string[];
      logFile: string;
      hint?: string;
      cause?: unknown;
    },
  ) {
    super("WORKER_EXITED", message, options);
    this.worker = options.worker;
    this.exitCode = options.exitCode;
    this.lastOutput = options.lastOutput;
    this.logFile = options.logFile;
  }
}

/** Recognised by brand, not class: true for any hal9000 package's error, from whichever copy. */
export { isHal9000Error };

/** How to give workers a credential when they have none: `up`'s error and `auth status` say it. */
export const NO_CREDENTIAL_HINT =
  "for a Claude subscription, run `claude setup-token` on the host and store the long-lived token it prints: hal9000 auth set --oauth-token; for an API key: hal9000 auth set (or set ANTHROPIC_API_KEY)";

/** `up` with a project, and no credential anywhere for the worker it would spawn. */
export class NoCredentialError extends Hal9000Error {
  constructor() {
    super("NO_CREDENTIAL", "no Anthropic credential for the worker: nothing was started", {
      hint: NO_CREDENTIAL_HINT,
    });
  }
}
