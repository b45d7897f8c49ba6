/**
 * The Anthropic credential workers get, as the facade offers it (`hal9000 auth set|status|remove`
 * and `up`'s check call these): volumes keeps the file, core decides what a worker gets.
 */
import {
  type CredentialKind,
  credentialStatus,
  guessCredentialKind,
  type HomeLayout,
  homeOwner,
  removeCredential,
  removeWorkerCredentials,
  saveCredential,
} from "@hal9000/volumes";
import { NO_CREDENTIAL_HINT } from "./vocabulary/errors.js";
import { CREDENTIAL_ENV, type CredentialSource, resolveCredential } from "./worker/credential.js";

export interface CredentialReport {
  /** Whether one is stored in HAL9000_HOME, its kind and file; never its value. */
  present: boolean;
  kind?: CredentialKind;
  path?: string;
  /** What is wrong with the stored one, each with its fix. */
  problems: string[];
  /** Which credential variables are set in the environment (they win over the stored one); never their values. */
  env: Record<string, boolean>;
  /** Set when workers spawned from here would get no credential at all: how to give them one. */
  hint?: string;
}

export async function credentialReport(
  layout: HomeLayout,
  env: NodeJS.ProcessEnv,
): Promise<CredentialReport> {
  const status = await credentialStatus(layout);
  const set = Object.fromEntries(
    Object.keys(CREDENTIAL_ENV).map((name) => [name, Boolean(env[name]?.trim())]),
  );
  const none = !status.present && !Object.values(set).some(Boolean);
  return { ...status, env: set, ...(none ? { hint: NO_CREDENTIAL_HINT } : {}) };
}

/** Stores a credential (kind guessed from its prefix unless given), owned by whoever owns HAL9000_HOME. */
export async function storeCredential(
  layout: HomeLayout,
  input: { value: string; kind?: CredentialKind },
): Promise<{ path: string; kind: CredentialKind }> {
  const value = input.value.trim();
  const kind = input.kind ?? guessCredentialKind(value) ?? "api-key";
  // As root (sudo), the file still belongs to whoever owns HAL9000_HOME.
  return saveCredential(layout, { kind, value, owner: await homeOwner(layout) });
}

/** Removes the stored credential and every worker's copy of it. */
export async function forgetCredential(
  layout: HomeLayout,
): Promise<{ removed: boolean; workerCopies: number }> {
  const removed = await removeCredential(layout);
  const copies = await removeWorkerCredentials(layout);
  return { removed, workerCopies: copies.length };
}

/** Where a worker spawned now would get its credential from, or null when there is none anywhere. */
export async function credentialSource(
  layout: HomeLayout,
  env: NodeJS.ProcessEnv,
): Promise<CredentialSource | null> {
  return (await resolveCredential(layout, env, undefined))?.source ?? null;
}
