/**
 * Which Anthropic credential a worker gets. It is never in the worker's environment, its
 * command, its labels or any record: @hal9000/volumes writes it to a per-worker 0600 file under
 * HAL9000_HOME/secrets/workers/<name>/ (worker-home/secrets.ts, the file formats), owned by the
 * worker's UID, and core bind-mounts that file read-only. `docker inspect` then shows a path,
 * never the value.
 *
 * - An API key is mounted at /run/hal9000/credential and read by Claude Code through the
 *   `apiKeyHelper` setting in the worker's ~/.claude/settings.json (Claude runs the command
 *   and sends its output as X-Api-Key and as a Bearer token).
 * - A Claude OAuth token (`claude setup-token`) has no helper: Claude reads one from
 *   ~/.claude/.credentials.json (`claudeAiOauth.accessToken`, Linux's credential store), so
 *   that file is generated and mounted read-only at that path. The only other ways in are
 *   the CLAUDE_CODE_OAUTH_TOKEN variable (what this avoids) and a file descriptor handed over
 *   by a wrapper process.
 *
 * Where the value comes from, first match wins: the spawn's own env (ANTHROPIC_API_KEY or
 * CLAUDE_CODE_OAUTH_TOKEN given with -e), the caller's environment (the same names), the
 * credential stored with `hal9000 auth set`, then (mountClaudeConfig only) the access token of
 * the host's Claude login, never its refresh token (host-login.ts: one writer refreshes).
 *
 * For a Claude subscription the recommended credential is the long-lived token of
 * `claude setup-token`: every worker gets the same read-only copy, and none ever refreshes it.
 */

import {
  type CredentialKind,
  credentialValueProblem,
  type HomeLayout,
  readCredential,
  type WorkerCredentialFile,
} from "@hal9000/volumes";
import type { Owner } from "../context/host-paths.js";
import { InvalidInputError } from "../vocabulary/errors.js";

/** Environment variables whose values are credentials: moved to the file, never passed as env. */
export const CREDENTIAL_ENV: Readonly<Record<string, CredentialKind>> = {
  ANTHROPIC_API_KEY: "api-key",
  CLAUDE_CODE_OAUTH_TOKEN: "oauth-token",
};

/** "host-login": the access token of the host's own Claude login, never its refresh token (host-login.ts). */
export type CredentialSource = "spawn-env" | "env" | "stored" | "host-login";

/** A credential and where it came from; volumes writes its file (WorkerCredentialFile). */
export interface WorkerCredential extends WorkerCredentialFile {
  source: CredentialSource;
}

/** The worker's environment minus credential variables (they travel as a file). */
export function withoutCredentialEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !Object.hasOwn(CREDENTIAL_ENV, k)));
}

function fromEnv(
  env: Record<string, string | undefined> | undefined,
  source: CredentialSource,
): WorkerCredential | undefined {
  for (const [name, kind] of Object.entries(CREDENTIAL_ENV)) {
    const value = env?.[name]?.trim();
    if (value) return { kind, value, source };
  }
  return undefined;
}

/** Pure precedence: the spawn's env, then the caller's env, then what `hal9000 auth set` stored. */
export function pickCredential(
  spawnEnv: Record<string, string> | undefined,
  callerEnv: NodeJS.ProcessEnv,
  stored: { kind: CredentialKind; value: string } | undefined,
): WorkerCredential | undefined {
  return (
    fromEnv(spawnEnv, "spawn-env") ??
    fromEnv(callerEnv, "env") ??
    (stored ? { kind: stored.kind, value: stored.value, source: "stored" } : undefined)
  );
}

/** The credential a new worker gets, or undefined when there is none anywhere. */
export async function resolveCredential(
  layout: HomeLayout,
  callerEnv: NodeJS.ProcessEnv,
  spawnEnv: Record<string, string> | undefined,
): Promise<WorkerCredential | undefined> {
  const early = pickCredential(spawnEnv, callerEnv, undefined);
  // The stored file is only opened when needed: an unsafe one then fails the spawn with its fix.
  const credential = early ?? pickCredential(undefined, {}, await readCredential(layout));
  if (credential) {
    const problem = credentialValueProblem(credential.value, credential.kind);
    if (problem) {
      const where =
        credential.source === "stored" ? "the stored credential" : `the ${envNameOf(credential.kind)} value`;
      throw new InvalidInputError(`cannot hand ${where} to the worker: ${problem}`, {
        hint: "store it again with `hal9000 auth set` (it reads the value from stdin)",
      });
    }
  }
  return credential;
}

const envNameOf = (kind: CredentialKind) =>
  Object.entries(CREDENTIAL_ENV).find(([, k]) => k === kind)?.[0] ?? "credential";

/**
 * Only root can give a file to another UID: a non-root caller spawning a worker for someone
 * else gets this error, before anything is written, instead of a credential file that worker
 * could not read (or others could).
 */
export function assertCanHandOver(user: Owner): void {
  const self = process.getuid?.();
  if (self !== 0 && self !== undefined && self !== user.uid) {
    throw new InvalidInputError(
      `the worker runs as UID ${user.uid}, and only root can hand it a credential file private to that UID`,
      {
        hint: "spawn it as that user (the project's owner), or as root",
      },
    );
  }
}
