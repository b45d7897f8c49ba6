/**
 * Many workers on one Claude subscription, without logging each other out.
 *
 * A Claude login (`claude` then /login) keeps a short-lived access token and a refresh token in
 * ~/.claude/.credentials.json. Refreshing rotates the refresh token: when several processes
 * each hold a copy, the first to refresh invalidates every other copy (claude-code #41507:
 * workers log each other out, and the host with them). A read-only mount does not prevent it:
 * a worker that can read the refresh token can spend it.
 *
 * So a refreshing credential has one writer, the host's own Claude, and no worker ever sees
 * its refresh token. With mountClaudeConfig and no credential of its own, a worker gets a copy
 * of the host's login with the access token only (refreshToken null, its expiry kept), written
 * at spawn into the worker's secrets and mounted read-only like any other credential. It works
 * until that access token expires; the host's next refresh does not reach running workers.
 *
 * The recommended subscription credential for many workers is the long-lived token that
 * `claude setup-token` prints (`hal9000 auth set --oauth-token`, or CLAUDE_CODE_OAUTH_TOKEN):
 * it has no refresh token at all, so every worker gets the same read-only copy and nothing
 * ever rewrites it (see credential.ts).
 */
import path from "node:path";
import { credentialValueProblem, readTextIfExists } from "@hal9000/volumes";
import { InvalidInputError } from "../vocabulary/errors.js";
import type { WorkerCredential } from "./credential.js";

/** A login whose access token expires sooner than this is refused: the worker would fail at once. */
export const MIN_LOGIN_VALIDITY_MS = 60_000;

const SETUP_TOKEN_HINT =
  "for workers, `claude setup-token` on the host gives a long-lived token: store it with `hal9000 auth set --oauth-token`";

/**
 * The worker's share of a Claude login (the text of a .credentials.json): its access token,
 * never its refresh token. Undefined when the file holds no Claude login.
 */
export function accessOnlyLogin(text: string, file: string, now = Date.now()): WorkerCredential | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidInputError(`${file} is not valid JSON, so its Claude login cannot be used`, {
      hint: `log in again with \`claude\` on the host (/login), or ${SETUP_TOKEN_HINT}`,
    });
  }
  const oauth = (parsed as { claudeAiOauth?: unknown } | null)?.claudeAiOauth;
  if (typeof oauth !== "object" || oauth === null) return undefined;
  const { accessToken, expiresAt, subscriptionType } = oauth as Record<string, unknown>;
  if (typeof accessToken !== "string" || credentialValueProblem(accessToken, "oauth-token")) {
    throw new InvalidInputError(`${file} has no usable access token in its Claude login`, {
      hint: `log in again with \`claude\` on the host (/login), or ${SETUP_TOKEN_HINT}`,
    });
  }
  const expires = typeof expiresAt === "number" && Number.isFinite(expiresAt) ? expiresAt : null;
  if (expires !== null && expires - now < MIN_LOGIN_VALIDITY_MS) {
    throw new InvalidInputError(
      `the Claude login in ${file} has an access token that ${expires <= now ? "expired" : "expires"} at ${new Date(expires).toISOString()}; hal9000 never refreshes it in a worker (a refresh there would log out the host and every other worker)`,
      {
        hint: `run \`claude\` on the host once (it refreshes its own login), then spawn again; or ${SETUP_TOKEN_HINT}`,
      },
    );
  }
  return {
    kind: "oauth-token",
    value: accessToken,
    source: "host-login",
    expiresAt: expires,
    subscriptionType: typeof subscriptionType === "string" ? subscriptionType : null,
  };
}

/** The host's Claude login in `configDir` (its ~/.claude), access token only; undefined when there is none. */
export async function hostLoginCredential(configDir: string): Promise<WorkerCredential | undefined> {
  const file = path.join(configDir, ".credentials.json");
  const text = await readTextIfExists(file);
  if (text === undefined || text.trim() === "") return undefined;
  return accessOnlyLogin(text, file);
}
