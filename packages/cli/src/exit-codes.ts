/**
 * hal9000's exit codes. A session (`spawn` without -d, `attach`, `dashboard`) exits with the
 * agent's or shell's own code, as `docker run` does, so hal9000's own failures use 125, the code
 * docker (and coreutils' env, nohup, timeout) keep for a failure of the tool itself, usage errors
 * included. `--json` tells the kinds of failure apart (`error.code`: USAGE, NOT_FOUND, …).
 */
export const EXIT = {
  OK: 0,
  /** A check ran and reports problems: doctor, volumes status, auth status (never a session). */
  PROBLEMS: 1,
  /** `run`: the task ran out of time; `wait`, `send --wait`: the --timeout ran out. */
  TIMED_OUT: 124,
  /** hal9000 failed, or the command line was wrong: nothing was done, or what was is reported. */
  FAILURE: 125,
  /** Cancelled at a prompt (answered no, or Ctrl-C), as a shell reports an interrupt. */
  CANCELLED: 130,
} as const;

/** The table help and the README print. */
export const EXIT_CODE_TABLE: readonly (readonly [string, string])[] = [
  [String(EXIT.OK), "success"],
  [
    String(EXIT.PROBLEMS),
    "a check found problems (doctor, volumes status, auth status); run: the task failed",
  ],
  [String(EXIT.TIMED_OUT), "run: the task timed out; wait, send --wait: --timeout ran out (as timeout(1))"],
  [
    String(EXIT.FAILURE),
    "hal9000 failed, or a usage error (--json says which: error.code); a session never started",
  ],
  [String(EXIT.CANCELLED), "cancelled at a prompt (answered no, or Ctrl-C); run: the task was aborted"],
  [
    "any",
    "spawn (without -d), attach, shell, dashboard: the agent's or shell's own exit code, as docker run",
  ],
];
