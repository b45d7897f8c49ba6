import type { SpawnOptions, WorkerInfo } from "../api.js";
import { type Command, lastValue } from "../command.js";
import type { Context } from "../context.js";
import { UsageError } from "../errors.js";
import type { Style } from "../style.js";

export interface SpawnArgs {
  project_dir?: string;
  name?: string;
  detach?: boolean;
  image?: string;
  rm?: boolean;
  env?: string | string[];
  memory?: string;
  cpus?: string;
  pidsLimit?: string;
  mountClaudeConfig?: boolean;
  branch?: string;
  base?: string;
}

/** The seed's spawn-worker.sh: `spawn [-n NAME] [-d] [-i IMAGE] [--rm|--no-rm] [project_dir]`. */
export function spawnCommand(ctx: Context): Command<SpawnArgs> {
  return {
    command: "spawn [project_dir]",
    describe: "Spawn a Claude worker container (interactive unless -d)",
    builder: (y) =>
      y
        .positional("project_dir", { type: "string", describe: "project directory to mount at /workspace" })
        .option("name", {
          alias: "n",
          type: "string",
          requiresArg: true,
          coerce: lastValue,
          describe: "worker name (default: auto-generated)",
        })
        .option("detach", { alias: "d", type: "boolean", describe: "run in background" })
        .option("image", {
          alias: "i",
          type: "string",
          requiresArg: true,
          coerce: lastValue,
          describe: "worker image (default: WORKER_IMAGE)",
        })
        .option("rm", {
          type: "boolean",
          describe: "remove on exit (default: WORKER_REMOVE_ON_EXIT, true); --no-rm keeps the container",
        })
        .option("env", {
          alias: "e",
          type: "string",
          requiresArg: true,
          describe:
            "set an environment variable in the worker: KEY=VAL (shows in docker inspect; ANTHROPIC_API_KEY and CLAUDE_CODE_OAUTH_TOKEN become a read-only file instead)",
        })
        .option("memory", {
          type: "string",
          requiresArg: true,
          coerce: lastValue,
          describe: 'memory limit, docker-style, e.g. "2g" (default: WORKER_MEMORY)',
        })
        .option("cpus", {
          type: "string",
          requiresArg: true,
          coerce: lastValue,
          describe: "CPUs, may be fractional, e.g. 1.5 (default: WORKER_CPUS)",
        })
        .option("pids-limit", {
          type: "string",
          requiresArg: true,
          coerce: lastValue,
          describe: "most processes in the worker (default: WORKER_PIDS_LIMIT)",
        })
        .option("mount-claude-config", {
          type: "boolean",
          describe: "mount the host's ~/.claude read-only into the worker (the seed's MCP Option A)",
        })
        .option("branch", {
          type: "string",
          coerce: lastValue,
          describe:
            "give the worker its own branch and checkout of the project's git repository (default name hal9000/<worker>); your working tree is never touched",
        })
        .option("base", {
          type: "string",
          requiresArg: true,
          coerce: lastValue,
          describe: "where --branch starts: a branch, tag or commit (default: HEAD)",
        }),
    handler: async (args) => {
      const opts: SpawnOptions = {
        name: args.name,
        detach: args.detach === true,
        image: args.image,
        removeOnExit: args.rm,
        ...branchArgs(args),
        env: parseEnv(args.env),
        memory: args.memory,
        cpus: numberArg("--cpus", args.cpus, "1.5"),
        pidsLimit: numberArg("--pids-limit", args.pidsLimit, "256"),
        mountClaudeConfig: args.mountClaudeConfig,
      };
      if (!opts.detach && ctx.out.json) {
        throw new UsageError(
          "--json needs -d: an interactive worker has the terminal, not a report",
          "add -d",
        );
      }
      const hal = await ctx.open();
      if (!opts.detach) {
        const { stdin, stdout } = ctx.services;
        ctx.exitCode = await hal.runInteractive(opts, { stdin, stdout });
        return;
      }
      // Core's default, the same from Node: it returns once Claude's session is ready, or reports
      // a worker that exited at once with its own output.
      const worker = await hal.spawn(opts);
      ctx.out.result(worker, () => spawnedLines(ctx.out.style, worker));
    },
  };
}

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

/** `-e` may repeat (yargs then gives an array); not an array option, which would swallow project_dir. */
export function parseEnv(given: string | string[] | undefined): Record<string, string> | undefined {
  if (given === undefined) return undefined;
  const pairs = Array.isArray(given) ? given : [given];
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

/** A numeric option's value; its range is checked by core, as for hal9000.conf. */
function numberArg(option: string, value: string | undefined, example: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) {
    throw new UsageError(`${option} expects a number, got "${value}"`, `e.g. ${option} ${example}`);
  }
  return n;
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
