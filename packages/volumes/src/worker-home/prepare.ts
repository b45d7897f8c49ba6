/**
 * A worker's files before its container is created, from one plan that core decided (who the
 * worker runs as, which credential it gets, whether the host's Claude config comes along, which
 * MCP servers are relayed to it): its credential copy, its ~/.claude and ~/.claude.json, its
 * state hook, its relayed servers and their credential, its identity files. The home itself
 * (workers/<name>/) exists already (createWorkerHome).
 */
import type { HomeLayout } from "../home.js";
import { ensureMcpWorkerToken, removeMcpWorkerToken } from "../mcp-relay-files.js";
import { settleAll } from "../settle-all.js";
import { workerHomePath } from "../worker-homes.js";
import { prepareClaudeHome } from "./claude-home.js";
import { writeIdentityFiles } from "./identity.js";
import type { FileOwner } from "./owned-files.js";
import { type RelayedServersResult, writeRelayedServers } from "./relayed-servers.js";
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
  /** The host's MCP servers relayed to it; none listed: earlier relayed entries are removed. */
  relay?: {
    servers: readonly string[];
    /** Every relayed server's URL starts with this (the relay's address). */
    urlPrefix: string;
    /** Whose the worker's relay credential is (the relay reads it on the host). */
    tokenOwner?: FileOwner;
  };
}

const NONE: RelayedServersResult = { relayed: [], shadowed: [] };

async function relayServers(
  layout: HomeLayout,
  name: string,
  home: string,
  relay: NonNullable<WorkerHomePlan["relay"]>,
  user: FileOwner,
): Promise<RelayedServersResult> {
  const token = relay.servers.length > 0 ? await ensureMcpWorkerToken(layout, name, relay.tokenOwner) : "";
  return writeRelayedServers(home, { servers: relay.servers, urlPrefix: relay.urlPrefix, token }, user);
}

export interface PreparedWorkerHome {
  /** Local path of the worker's home. */
  home: string;
  /** Local path of its credential copy and where the worker finds it. */
  credential?: { file: string; target: string };
  /** Local paths of its passwd and group files. */
  identity: { passwd: string; group: string };
  /** The servers its ~/.claude.json now lists through the relay, and those the user's own entries shadow. */
  mcp: RelayedServersResult;
}

/**
 * Writes everything the plan calls for; idempotent for a reused home. On failure it removes
 * the worker's secrets again (its credential copy and relay credential: nothing of a credential
 * is left behind) and rethrows; the home is the caller's to remove, as it created it.
 */
export async function prepareWorkerHome(
  layout: HomeLayout,
  plan: WorkerHomePlan,
): Promise<PreparedWorkerHome> {
  const home = workerHomePath(layout, plan.name);
  const removeSecrets = async () => {
    await removeWorkerCredential(layout, plan.name).catch(() => undefined);
    await removeMcpWorkerToken(layout, plan.name).catch(() => undefined);
  };
  try {
    if (!plan.credential) await removeSecrets(); // an earlier worker's of the name
    // The credential copy, ~/.claude (then the relayed servers, which also edit ~/.claude.json)
    // and the identity files are apart: written at once.
    const [credential, mcp, identity] = await settleAll([
      plan.credential ? writeWorkerCredential(layout, plan.name, plan.credential, plan.user) : undefined,
      prepareClaudeHome({
        home,
        user: plan.user,
        credential: plan.credential?.kind,
        hostConfig: plan.hostConfig,
        stateHooks: plan.stateHooks,
        trustWorkspace: plan.trustWorkspace,
      }).then(() => (plan.relay ? relayServers(layout, plan.name, home, plan.relay, plan.user) : NONE)),
      writeIdentityFiles(layout, plan.name, plan.user),
    ]);
    return credential ? { home, credential, identity, mcp } : { home, identity, mcp };
  } catch (err) {
    await removeSecrets();
    throw err;
  }
}
