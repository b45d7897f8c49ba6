/**
 * The one way hal9000 runs git: the user's own `git` on the machine hal9000 runs on, never a
 * shell, with an environment cleaned of the variables that would point git elsewhere (a hal9000
 * started from a git hook inherits GIT_DIR and GIT_INDEX_FILE) and messages in English.
 */
import { execFile } from "node:child_process";
import { ConflictError, Hal9000Error, InvalidInputError } from "../vocabulary/errors.js";
import { logFor } from "../vocabulary/log.js";

const log = logFor("git");

/** Variables that redirect git away from the repository and index it is given. */
const REDIRECTING_ENV = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_COMMON_DIR",
  "GIT_NAMESPACE",
  "GIT_PREFIX",
  "GIT_CEILING_DIRECTORIES",
  "GIT_DISCOVERY_ACROSS_FILESYSTEM",
  "GIT_QUARANTINE_PATH",
];

export interface GitRun {
  /** Working directory (a repository or a checkout). */
  cwd?: string;
  /** The caller's environment (for HOME, PATH and the user's git identity). */
  env: NodeJS.ProcessEnv;
  /** Extra variables for this call only, e.g. GIT_INDEX_FILE of a temporary index. */
  extraEnv?: Record<string, string>;
  input?: string;
  /** Exit codes that are answers rather than failures (e.g. 1 from merge-tree: conflicts). */
  okCodes?: number[];
}

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** git is missing, or failed in a way hal9000 did not expect; message holds git's own words. */
export class GitError extends Hal9000Error {
  readonly args: string[];
  readonly stderr: string;
  constructor(message: string, args: string[], stderr: string, hint?: string) {
    super("INTERNAL", message, { hint: hint ?? "run the git command yourself to see more" });
    this.args = args;
    this.stderr = stderr;
  }
}

export function gitEnv(env: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const key of REDIRECTING_ENV) delete out[key];
  return { ...out, LC_ALL: "C", LANGUAGE: "C", GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0", ...extra };
}

const MAX_BUFFER = 256 * 1024 * 1024;

/** Runs `git args…`; resolves with its output when the exit code is 0 or one of okCodes. */
export function git(args: string[], run: GitRun): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      args,
      { cwd: run.cwd, env: gitEnv(run.env, run.extraEnv), maxBuffer: MAX_BUFFER, encoding: "utf8" },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        log("git %s → %d", args.join(" "), code);
        if (err && (err as NodeJS.ErrnoException).code === "ENOENT") {
          reject(
            new InvalidInputError("git is not installed on this machine (no `git` on PATH)", {
              hint: "install git (e.g. apt-get install git), then retry",
            }),
          );
          return;
        }
        if (code === 0 || run.okCodes?.includes(code)) {
          resolve({ stdout, stderr, code });
          return;
        }
        reject(gitFailure(args, stderr.trim() || stdout.trim() || String(err?.message)));
      },
    );
    if (run.input !== undefined) child.stdin?.end(run.input);
  });
}

/** git's own refusal, with a hint when it is one a user can fix. */
function gitFailure(args: string[], stderr: string): Error {
  const what = `git ${args.filter((a) => !a.startsWith("-c") && !a.includes("=")).join(" ")}`;
  const first = stderr.split("\n").find((l) => l.trim() !== "") ?? stderr;
  if (/please tell me who you are|unable to auto-detect email|empty ident/i.test(stderr)) {
    return new InvalidInputError("git does not know who you are (no user.name / user.email)", {
      hint: 'set them: git config --global user.name "Your Name"; git config --global user.email you@example.com',
    });
  }
  if (/index\.lock|cannot lock ref|Unable to create '.*\.lock'/i.test(stderr)) {
    return new ConflictError(`${what}: ${first}`, {
      hint: "another git command is running in this repository; wait for it and retry",
    });
  }
  return new GitError(`${what} failed: ${first}`, args, stderr);
}

/** stdout without its final newline. */
export async function gitOut(args: string[], run: GitRun): Promise<string> {
  return (await git(args, run)).stdout.replace(/\n$/, "");
}

/** NUL-separated output as a list (git's -z). */
export function splitZ(text: string): string[] {
  return text.split("\0").filter((s) => s !== "");
}
