/**
 * A worker's files before its container is created, from one plan that core decided (who the
 * worker runs as, which credential it gets, whether the host's Claude config comes along): its
 * credential copy, its ~/.claude and ~/.claude.json, its state hook, its identity files. The
 * home itself (workers/<name>/) exists already (createWorkerHome).
 */
import type { HomeLayout } from "../home.js";
import { workerHomePath } from "../worker-homes.js";
import { prepareClaudeHome } from "./claude-home.js";
import { writeIdentityFiles } from "./identity.js";
import type { FileOwner } from "./owned-files.js";
import { removeWorkerCredential, type WorkerCredentialFile, writeWorkerCredential } from "./secrets.js";

export interface WorkerHomePlan {
  name: string;
  /** The UID:GID the worker runs as: its files are theirs. */
  user: FileOwner;
  /** The credential it gets; none: an earlier worker's copy of the name is removed. */
  credential?: WorkerCredentialFile;
  /** Local path of the host's Claude config to link in (mountClaudeConfig). */
  hostConfig?: string;
  /** hal9000's state hooks in settings.json (default true). */
  stateHooks?: boolean;
  /** Pre-accept the folder-trust dialog for /workspace (default true). */
  trustWorkspace?: boolean;
}

export interface PreparedWorkerHome {
  /** Local path of the worker's home. */
  home: string;
  /** Local path of its credential copy and where the worker finds it. */
  credential?: { file: string; target: string };
  /** Local paths of its passwd and group files. */
  identity: { passwd: string; group: string };
}

/**
 * Writes everything the plan calls for; idempotent for a reused home. On failure it removes
 * the worker's secrets again (nothing of a credential is left behind) and rethrows; the home
 * is the caller's to remove, as it created it.
 */
export async function prepareWorkerHome(
  layout: HomeLayout,
  plan: WorkerHomePlan,
): Promise<PreparedWorkerHome> {
  const home = workerHomePath(layout, plan.name);
  try {
    let credential: PreparedWorkerHome["credential"];
    if (plan.credential)
      credential = await writeWorkerCredential(layout, plan.name, plan.credential, plan.user);
    else await removeWorkerCredential(layout, plan.name);
    await prepareClaudeHome({
      home,
      user: plan.user,
      credential: plan.credential?.kind,
      hostConfig: plan.hostConfig,
      stateHooks: plan.stateHooks,
      trustWorkspace: plan.trustWorkspace,
    });
    const identity = await writeIdentityFiles(layout, plan.name, plan.user);
    return credential ? { home, credential, identity } : { home, identity };
  } catch (err) {
    await removeWorkerCredential(layout, plan.name).catch(() => undefined);
    throw err;
  }
}
