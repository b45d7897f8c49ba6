import { READY_TIMEOUT_MS, type SpawnOptions, type WorkerInfo } from "../api.js";
import { defineCommand } from "../command.js";
import type { Context } from "../context.js";
import { UsageError } from "../errors.js";
import type { Style } from "../style.js";

export interface SpawnArgs {
  project_dir?: string;
  name?: string;
  detach?: boolean;
  image?: string;
  rm?: boolean;
  env?: string[];
  memory?: string;
  cpus?: number;
  pidsLimit?: number;
  mountClaudeConfig?: boolean;
  branch?: string;
  base?: string;
}

/**
 * The seed's spawn-worker.sh. Detached: reports the worker. Interactive: Claude on this
 * terminal, and hal9000 exits with the worker's own exit code.
 */
export async function spawn(args: SpawnArgs, ctx: Context): Promise<number | undefined> {
  const opts: SpawnOptions = {
    name: args.name,
    detach: args.detach === true,
    image: args.image,
    removeOnExit: args.rm,
    ...branchArgs(args),
    env: parseEnv(args.env),
    memory: args.memory,
    cpus: args.cpus,
    pidsLimit: args.pidsLimit,
    mountClaudeConfig: args.mountClaudeConfig,
  };
  if (!opts.detach && ctx.out.json) {
    throw new UsageError("--json needs -d: an interactive worker has the terminal, not a report", "add -d");
  }
  const hal = await ctx.open();
  if (!opts.detach) {
    const { stdin, stdout } = ctx.services;
    return hal.runInteractive(opts, { stdin, stdout });
  }
  // Core's default, the same from Node: it returns once Claude's session is ready, or reports
  // a worker that exited at once with its own output.
  const worker = await hal.spawn(opts);
  ctx.out.result(worker, () => spawnedLines(ctx.out.style, worker));
  for (const line of notReadyLines(ctx.out.errStyle, worker)) ctx.out.note(line);
  return undefined;
}

export const spawnCommand = defineCommand<SpawnArgs>({
  name: "spawn",
  summary: "Spawn a Claude worker container (interactive unless -d)",
  description:
    "Spawn a Claude worker on a project. Interactive (the default): Claude on this terminal, and hal9000 exits with the worker's own exit code, as docker run. With -d: in the background, reported once it is running.",
  args: {
    project_dir: { positional: true, describe: "project directory to mount at /workspace" },
    name: { short: "n", value: "NAME", describe: "worker name (default: auto-generated)" },
    detach: { short: "d", describe: "run in background" },
    image: { short: "i", value: "IMAGE", describe: "worker image (default: WORKER_IMAGE)" },
    rm: {
      negatable: true,
      describe: "remove on exit (default: WORKER_REMOVE_ON_EXIT, true); --no-rm keeps the container",
    },
    env: {
      short: "e",
      value: "KEY=VAL",
      repeat: true,
      describe:
        "set an environment variable in the worker (shows in docker inspect; ANTHROPIC_API_KEY and CLAUDE_CODE_OAUTH_TOKEN become a read-only file instead)",
    },
    memory: { value: "SIZE", describe: 'memory limit, docker-style, e.g. "2g" (default: WORKER_MEMORY)' },
    cpus: {
      value: "N",
      type: "number",
      describe: "CPUs, may be fractional, e.g. 1.5 (default: WORKER_CPUS)",
    },
    pidsLimit: {
      value: "N",
      type: "number",
      describe: "most processes in the worker (default: WORKER_PIDS_LIMIT)",
    },
    mountClaudeConfig: {
      describe: "mount the host's ~/.claude read-only into the worker (the seed's MCP Option A)",
    },
    branch: {
      value: "NAME",
      optionalValue: true,
      describe:
        "give the worker its own branch and checkout of the project's git repository (default name hal9000/<worker>); your working tree is never touched",
    },
    base: { value: "REF", describe: "where --branch starts: a branch, tag or commit (default: HEAD)" },
  },
  examples: [
    ["hal9000 spawn -d ~/src/app", "a worker in the background on a project"],
    ["hal9000 spawn -n reviewer --memory 2g ~/src/app", "Claude on this terminal, named, 2 GB of memory"],
    [
      "hal9000 spawn -d --branch ~/src/app",
      "on its own branch and checkout; `hal9000 diff` and `merge` later",
    ],
  ],
  run: spawn,
});

export function spawnedLines(s: Style, w: WorkerInfo): string[] {
  const where = w.branch
    ? `, branch ${w.branch}, checkout ${w.project}`
    : w.project
      ? `, project ${w.project}`
      : "";
  return [
    `spawned worker ${s.bold(w.name)} (${w.image}${where})`,
    ...(w.branch ? [`  diff:   hal9000 diff ${w.name}    merge: hal9000 merge ${w.name}`] : []),
    `  attach: hal9000 attach ${w.name}`,
    `  logs:   hal9000 logs -f ${w.name}`,
    `  stop:   hal9000 stop ${w.name}`,
  ];
}

/**
 * A detached spawn returns after READY_TIMEOUT_MS even when Claude's session has not started
 * (the agent is still "starting"): a dialog it waits in, or an error it stopped at. Said on
 * stderr, with where to look; under --json the document's agent.state says it too.
 */
export function notReadyLines(s: Style, w: WorkerInfo): string[] {
  if (w.agent?.state !== "starting") return [];
  return [
    `${s.yellow("warning:")} the agent in ${w.name} did not become ready within ${READY_TIMEOUT_MS / 1000} s: it is running, but Claude's session has not started`,
    `  see what it shows:  hal9000 logs ${w.name}   (or hal9000 attach ${w.name})`,
    `  wait for it:        hal9000 wait ${w.name} --until ready`,
  ];
}

export function parseEnv(pairs: string[] | undefined): Record<string, string> | undefined {
  if (pairs === undefined) return undefined;
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const key = eq === -1 ? pair : pair.slice(0, eq);
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new UsageError(`-e expects KEY=VAL, got "${pair}"`, "e.g. -e ANTHROPIC_MODEL=claude-sonnet-4");
    }
    env[key] = pair.slice(eq + 1);
  }
  return env;
}

/**
 * `--branch [NAME] [project_dir]`: --branch takes an optional name, so `spawn --branch DIR`
 * (no other positional) means the default branch on project DIR; `spawn --branch NAME DIR` names it.
 */
export function branchArgs(args: {
  project_dir?: string;
  branch?: string;
  base?: string;
}): Pick<SpawnOptions, "project" | "branch" | "base"> {
  if (args.branch === undefined) {
    if (args.base !== undefined)
      throw new UsageError("--base only applies with --branch", "e.g. --branch --base main .");
    return { project: projectArg(args.project_dir) };
  }
  let name: string | true = args.branch === "" ? true : args.branch;
  let dir = args.project_dir;
  if (dir === undefined && name !== true) {
    dir = name;
    name = true;
  }
  const project = projectArg(dir);
  if (project === undefined) {
    throw new UsageError(
      "--branch needs a project directory (a git repository)",
      "e.g. hal9000 spawn -d --branch .",
    );
  }
  return { project, branch: name, ...(args.base !== undefined ? { base: args.base } : {}) };
}

/** project_dir as given: core resolves it (against cwd on the host; inside the parent it is a host path). */
export function projectArg(dir: string | undefined): string | undefined {
  if (dir === undefined) return undefined;
  if (dir.trim() === "")
    throw new UsageError("project_dir is empty", "give a directory, e.g. . or /path/to/project");
  return dir;
}
