import yargs, { type Argv } from "yargs";
import { lastValue, toModule } from "./command.js";
import { attachCommand } from "./commands/attach.js";
import { AUTH_ACTIONS, authCommand } from "./commands/auth.js";
import { buildCommand } from "./commands/build.js";
import { commitCommand } from "./commands/commit.js";
import { conflictsCommand } from "./commands/conflicts.js";
import { coordinatorCommand } from "./commands/coordinator.js";
import { countCommand } from "./commands/count.js";
import { dashboardCommand } from "./commands/dashboard.js";
import { diffCommand } from "./commands/diff.js";
import { discardCommand } from "./commands/discard.js";
import { doctorCommand } from "./commands/doctor.js";
import { listCommand } from "./commands/list.js";
import { logsCommand } from "./commands/logs.js";
import { MCP_ACTIONS, mcpCommand } from "./commands/mcp.js";
import { mergeCommand } from "./commands/merge.js";
import { PARENT_ACTIONS, parentCommand } from "./commands/parent.js";
import { runCommand } from "./commands/run.js";
import { sendCommand } from "./commands/send.js";
import { shellCommand } from "./commands/shell.js";
import { spawnCommand } from "./commands/spawn.js";
import { statusCommand } from "./commands/status.js";
import { stopCommand } from "./commands/stop.js";
import { stopAllCommand } from "./commands/stop-all.js";
import { upCommand } from "./commands/up.js";
import { initCommand, VOLUMES_ACTIONS, volumesCommand } from "./commands/volumes.js";
import { waitCommand } from "./commands/wait.js";
import { watchCommand } from "./commands/watch.js";
import { addConfigOptions, CONFIG_FLAGS, configFlagsEpilogue, configFlagsFrom } from "./config-flags.js";
import type { Context, GlobalArgs } from "./context.js";
import { UsageError } from "./errors.js";
import { closest } from "./format.js";

/** Command names and their usage lines, for usage errors that say what was expected. */
export const COMMANDS: Record<string, { usage: string; actions?: readonly string[] }> = {
  up: { usage: "hal9000 up [-n NAME] [-i IMAGE] [project_dir]" },
  build: { usage: "hal9000 build [parent|worker|worker-minimal|all] [--claude-version V] [--no-cache]" },
  volumes: { usage: "hal9000 volumes <init|status|clean>", actions: VOLUMES_ACTIONS },
  parent: { usage: "hal9000 parent <start|stop|restart|status>", actions: PARENT_ACTIONS },
  spawn: {
    usage:
      "hal9000 spawn [-n NAME] [-d] [-i IMAGE] [--rm|--no-rm] [-e KEY=VAL] [--memory SIZE] [--cpus N] [--pids-limit N] [--mount-claude-config] [--branch [NAME]] [--base REF] [project_dir]",
  },
  run: {
    usage:
      'hal9000 run [project_dir] -p "PROMPT"|- [-n NAME] [-i IMAGE] [-e KEY=VAL] [--model M] [--allowed-tools T,…] [--permission-mode MODE] [--timeout 10m] [--keep] [--branch [NAME]] [--base REF]',
  },
  auth: { usage: "hal9000 auth <set|status|remove> [--kind api-key|oauth-token]", actions: AUTH_ACTIONS },
  list: { usage: "hal9000 list" },
  count: { usage: "hal9000 count" },
  stop: { usage: "hal9000 stop <name>" },
  "stop-all": { usage: "hal9000 stop-all [--yes]" },
  logs: { usage: "hal9000 logs <name> [-f] [--tail N]" },
  attach: { usage: "hal9000 attach <name> [--shell]" },
  shell: { usage: "hal9000 shell <name>" },
  send: { usage: 'hal9000 send <name> "PROMPT"|- [--wait [--timeout 10m]]' },
  wait: {
    usage:
      "hal9000 wait <name…|--all> [--until settled|ready|working|waiting|idle|done|exited] [--timeout 10m]",
  },
  watch: { usage: "hal9000 watch [name…] [--json]" },
  status: { usage: "hal9000 status" },
  dashboard: { usage: "hal9000 dashboard" },
  doctor: { usage: "hal9000 doctor" },
  completion: { usage: "hal9000 completion" },
  coordinator: { usage: "hal9000 coordinator" },
  diff: { usage: "hal9000 diff <name> [--stat]" },
  commit: { usage: "hal9000 commit <name> [-m MSG]" },
  merge: { usage: "hal9000 merge <name> [--squash]" },
  conflicts: { usage: "hal9000 conflicts" },
  discard: { usage: "hal9000 discard <name> [--yes]" },
  init: { usage: "hal9000 init" },
  mcp: { usage: "hal9000 mcp <add|list|remove|import|relay|server>", actions: MCP_ACTIONS },
};

/** Options that take a value, so a usage error can tell option values from positionals. */
const VALUE_OPTIONS = new Set([
  "--home",
  "-n",
  "--name",
  "-i",
  "--image",
  "-e",
  "--env",
  "--claude-version",
  "--tail",
  "--kind",
  "--memory",
  "--cpus",
  "--pids-limit",
  "-p",
  "--prompt",
  "--model",
  "--allowed-tools",
  "--permission-mode",
  "--timeout",
  "--base",
  "-m",
  "--message",
  "--until",
  "--from",
  "--project",
  ...CONFIG_FLAGS.map((f) => `--${f.option}`),
]);

/** The real parser: every command, the global options, and usage errors as UsageError (exit 2). */
export function buildParser(ctx: Context, argv: readonly string[]): Argv<GlobalArgs> {
  const { services } = ctx;
  const y = (yargs([...argv]) as unknown as Argv<GlobalArgs>)
    .scriptName("hal9000")
    .locale("en")
    .usage("hal9000 <command> [options]\n\nRun many Claude Code agents, each in its own Docker container.")
    .option("json", { type: "boolean", global: true, describe: "print one JSON document on stdout" })
    .option("home", {
      type: "string",
      requiresArg: true,
      global: true,
      coerce: lastValue,
      describe: "HAL9000_HOME (default: $HAL9000_HOME or ~/.hal9000)",
    })
    .option("verbose", {
      type: "boolean",
      global: true,
      describe: "debug logs (hal9000:*) and stack traces on stderr",
    }) as unknown as Argv<GlobalArgs>;
  addConfigOptions(y);
  return y
    .middleware((args) => {
      ctx.configure(args as GlobalArgs, configFlagsFrom(args));
    })
    .command(toModule(upCommand(ctx)))
    .command(toModule(buildCommand(ctx)))
    .command(toModule(volumesCommand(ctx)))
    .command(toModule(parentCommand(ctx)))
    .command(toModule(spawnCommand(ctx)))
    .command(toModule(runCommand(ctx)))
    .command(toModule(listCommand(ctx)))
    .command(toModule(countCommand(ctx)))
    .command(toModule(stopCommand(ctx)))
    .command(toModule(stopAllCommand(ctx)))
    .command(toModule(logsCommand(ctx)))
    .command(toModule(attachCommand(ctx)))
    .command(toModule(shellCommand(ctx)))
    .command(toModule(sendCommand(ctx)))
    .command(toModule(waitCommand(ctx)))
    .command(toModule(watchCommand(ctx)))
    .command(toModule(statusCommand(ctx)))
    .command(toModule(dashboardCommand(ctx)))
    .command(toModule(doctorCommand(ctx)))
    .command(toModule(coordinatorCommand(ctx)))
    .command(toModule(initCommand(ctx)))
    .command(toModule(authCommand(ctx)))
    .command(toModule(diffCommand(ctx)))
    .command(toModule(commitCommand(ctx)))
    .command(toModule(mergeCommand(ctx)))
    .command(toModule(conflictsCommand(ctx)))
    .command(toModule(discardCommand(ctx)))
    .command(toModule(mcpCommand(ctx)))
    .completion("completion", "Print a bash/zsh completion script (hal9000 completion >> ~/.bashrc)")
    .demandCommand(1, "no command given")
    .strict()
    .strictCommands()
    .version(services.version)
    .help()
    .alias("help", "h")
    .group(["json", "home", "verbose", "help", "version"], "Global options:")
    .epilogue(`${configFlagsEpilogue()}\n\nExit codes: 0 success, 1 failure, 2 usage error.`)
    .wrap(null)
    .fail((message, err) => {
      if (err) throw err;
      throw usageError(message ?? "invalid command line", argv);
    }) as unknown as Argv<GlobalArgs>;
}

/** The positionals of a raw command line (skipping options and their values). */
function positionals(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--") {
      out.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith("-") && arg !== "-") {
      if (!arg.includes("=") && VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

/** Turns yargs' validation messages into one line that says what was wrong, and a hint. */
export function usageError(message: string, argv: readonly string[]): UsageError {
  const words = positionals(argv);
  const command = words[0];
  const known = command !== undefined && Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  const helpFor = known ? `hal9000 ${command} --help` : "hal9000 --help";
  const usage = known ? `usage: ${known.usage}` : `run \`${helpFor}\``;

  if (message === "no command given") {
    return new UsageError(
      "no command given",
      "run `hal9000 --help` to see the commands (start with `hal9000 up`)",
    );
  }
  if (!known && command !== undefined) {
    const guess = closest(command, Object.keys(COMMANDS));
    return new UsageError(
      `unknown command "${command}"`,
      `${guess ? `did you mean \`hal9000 ${guess}\`? ` : ""}run \`hal9000 --help\` to see the commands`,
    );
  }
  if (known?.actions) {
    const action = words[1];
    if (action === undefined) return new UsageError(`missing ${command} action`, usage);
    if (!known.actions.includes(action)) {
      const guess = closest(action, known.actions);
      return new UsageError(
        `unknown ${command} action "${action}"`,
        `${guess ? `did you mean \`hal9000 ${command} ${guess}\`? ` : ""}${usage}`,
      );
    }
  }
  let m = /^Unknown arguments?: (.+)$/.exec(message);
  if (m?.[1]) {
    const names = m[1].split(", ");
    const given = names.map(
      (n) => argv.find((a) => a === n || a.replace(/^-+/, "").split("=")[0] === n) ?? n,
    );
    const options = given.filter((g) => g.startsWith("-"));
    if (options.length > 0) {
      return new UsageError(`unknown option${options.length > 1 ? "s" : ""} ${options.join(", ")}`, usage);
    }
    return new UsageError(
      `unexpected argument${given.length > 1 ? "s" : ""} ${given.map((g) => `"${g}"`).join(", ")}`,
      usage,
    );
  }
  m = /^Unknown command: (.+)$/.exec(message);
  if (m?.[1]) return new UsageError(`unexpected argument "${m[1]}"`, usage);
  m = /^Not enough non-option arguments/.exec(message);
  if (m) {
    const missing = /<([^>]+)>/.exec(known?.usage.replace(/^hal9000 \S+/, "") ?? "")?.[1];
    return new UsageError(missing ? `missing argument <${missing}>` : "missing argument", usage);
  }
  m = /Argument: ([\w-]+), Given: "?([^",]*)"?, Choices: (.+)$/s.exec(message);
  if (m) {
    const choices = (m[3] ?? "").replace(/"/g, "").trim();
    return new UsageError(
      `invalid ${command === "build" && m[1] === "target" ? "build target" : m[1]} "${m[2]}"`,
      `choose one of: ${choices}`,
    );
  }
  m = /^Not enough arguments following: (.+)$/.exec(message);
  if (m?.[1]) {
    const opt = m[1].length === 1 ? `-${m[1]}` : `--${m[1]}`;
    return new UsageError(`option ${opt} needs a value`, usage);
  }
  return new UsageError(message.replace(/\s*\n\s*/g, " "), usage);
}
