/**
 * The security decisions of a spawn, made before the container is created: who the worker
 * runs as, which credential it gets and how, whether the host's Claude config comes along,
 * and which Docker socket paths must never reach it.
 */
import {
  homeOwner,
  prepareWorkerHome,
  pruneWorkerCredentials,
  removeMcpWorkerToken,
  removeWorkerCredential,
  settleAll,
  type WorkerHomePlan,
} from "@hal9000/volumes";
import type { CoreContext } from "../context/context.js";
import { type Owner, type ProjectDir, toHostPath } from "../context/host-paths.js";
import { RELAY_WORKER_ENV, workerRelayPlan } from "../mcp/worker-mcp.js";
import { hostSocketPath } from "../parent/parent.js";
import { logFor } from "../vocabulary/log.js";
import { assertCanHandOver, resolveCredential, type WorkerCredential } from "../worker/credential.js";
import { assertNotDockerSocket } from "../worker/guard.js";
import { resolveHostClaudeConfig } from "../worker/host-claude-config.js";
import { hostLoginCredential } from "../worker/host-login.js";
import { callerUser, workerUser } from "../worker/user.js";
import type { CredentialMount, IdentityMounts, SpawnOptions } from "./options.js";

const log = logFor("spawn");

export interface WorkerSecurity {
  user: Owner;
  credential?: WorkerCredential;
  /** Host path of the host's Claude config (mountClaudeConfig). */
  claudeConfig?: string;
  dockerSockets: string[];
}

/** Decides user, credential and config mounts; refuses a project that holds the Docker socket. */
export async function resolveWorkerSecurity(
  ctx: CoreContext,
  opts: SpawnOptions,
  project: ProjectDir | undefined,
): Promise<WorkerSecurity> {
  const dockerSockets = [hostSocketPath(ctx)];
  if (project) assertNotDockerSocket("project directory", project.hostPath, dockerSockets);
  // The project's owner, else HAL9000_HOME's, else the caller: the first that is not root (see worker-user.ts).
  const user = workerUser([project?.owner, await homeOwner(ctx.layout), callerUser()]);
  const claudeConfig = opts.mountClaudeConfig
    ? await resolveHostClaudeConfig(ctx.paths, ctx.env, dockerSockets)
    : undefined;
  // The host's login comes last, and as its access token only: the host stays its one writer.
  const credential =
    (await resolveCredential(ctx.layout, ctx.env, opts.env)) ??
    (claudeConfig === undefined ? undefined : await hostLoginCredential(claudeConfig));
  // Decided here, before anything is written: whether this process may give the worker its file.
  if (credential) assertCanHandOver(user);
  const security: WorkerSecurity = { user, dockerSockets };
  if (credential) security.credential = credential;
  if (claudeConfig !== undefined) security.claudeConfig = claudeConfig;
  return security;
}

/** True unless the engine says there is no such container (in doubt, it exists). */
function containerExists(ctx: CoreContext, name: string): Promise<boolean> {
  return ctx.engine.containers.inspect(name).then(
    (info) => info !== undefined,
    () => true,
  );
}

/** What the worker's home gets, as data for @hal9000/volumes' prepareWorkerHome (pure). */
export function workerHomePlan(
  name: string,
  security: WorkerSecurity,
  opts: { trustWorkspace: boolean; relay: NonNullable<WorkerHomePlan["relay"]> },
): WorkerHomePlan {
  const plan: WorkerHomePlan = {
    name,
    user: security.user,
    trustWorkspace: opts.trustWorkspace,
    relay: opts.relay,
  };
  if (security.credential) {
    const { source: _, ...file } = security.credential;
    plan.credential = file;
  }
  if (security.claudeConfig !== undefined) plan.hostConfig = security.claudeConfig;
  return plan;
}

/** How often one process prunes credential copies: only copies older than 10 minutes go. */
export const PRUNE_INTERVAL_MS = 60_000;
const lastPrune = new Map<string, number>();

/**
 * Whether this spawn prunes (then the next one within PRUNE_INTERVAL_MS of this process does
 * not): a prune reads every worker's secrets directory, and twenty spawns at once need one.
 */
export function pruneDue(home: string, now = Date.now()): boolean {
  const last = lastPrune.get(home);
  if (last !== undefined && now - last < PRUNE_INTERVAL_MS) return false;
  lastPrune.set(home, now);
  return true;
}

/**
 * Prepares the worker's files (in its home, already created): one plan, and volumes writes
 * what it says (credential copy, ~/.claude, relayed MCP servers, identity files). Returns the
 * mounts, the environment the files call for (relayed MCP servers) and how to remove what was
 * written.
 */
export async function prepareWorkerFiles(
  ctx: CoreContext,
  name: string,
  // The worker's home as this process sees it; volumes derives the same path from the name.
  _homeLocal: string,
  security: WorkerSecurity,
): Promise<{
  credential?: CredentialMount;
  identity?: IdentityMounts;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}> {
  const cleanup = async () => {
    await removeWorkerCredential(ctx.layout, name).catch(() => undefined);
    await removeMcpWorkerToken(ctx.layout, name).catch(() => undefined);
  };
  try {
    // Copies left by workers that are gone: no container, and no record saying it may come back
    // (a worker being recreated by recovery has no container for a moment). Pruned beside this
    // worker's own files, which it never touches.
    const inUse = async (n: string) =>
      n === name ||
      (await containerExists(ctx, n)) ||
      ((await ctx.sessions.read(n).catch(() => undefined))?.state ?? "ended") !== "ended";
    const pruned = pruneDue(ctx.layout.home)
      ? pruneWorkerCredentials(ctx.layout, inUse).catch((err: unknown) =>
          log("pruning worker credentials: %s", (err as Error).message),
        )
      : undefined;
    const prepared = workerRelayPlan(ctx.layout).then((relay) =>
      prepareWorkerHome(
        ctx.layout,
        workerHomePlan(name, security, { trustWorkspace: ctx.config.workerTrustWorkspace, relay }),
      ),
    );
    const [home] = await settleAll([prepared, pruned]);
    if (security.credential) {
      log(
        "worker %s gets the %s (%s) as a read-only file",
        name,
        security.credential.kind,
        security.credential.source,
      );
    }
    const { mcp } = home;
    if (mcp.relayed.length > 0)
      log("worker %s gets the relayed MCP servers %s", name, mcp.relayed.join(", "));
    if (mcp.shadowed.length > 0)
      log("worker %s keeps its own MCP servers named %s (not relayed)", name, mcp.shadowed.join(", "));
    const identity = {
      passwd: toHostPath(ctx.paths, home.identity.passwd),
      group: toHostPath(ctx.paths, home.identity.group),
    };
    const env = mcp.relayed.length > 0 ? { ...RELAY_WORKER_ENV } : {};
    if (!home.credential) return { identity, env, cleanup };
    const credential = {
      source: toHostPath(ctx.paths, home.credential.file),
      target: home.credential.target,
    };
    return { credential, identity, env, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
