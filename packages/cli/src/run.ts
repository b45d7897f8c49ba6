import { parseCommandLine } from "./argv.js";
import { COMMANDS } from "./commands/index.js";
import { COMPLETION_FLAG, completions } from "./completion.js";
import { configFlagsFrom } from "./config-flags.js";
import type { GlobalArgs } from "./context.js";
import { Context } from "./context.js";
import { reportOf, UsageError } from "./errors.js";
import { EXIT } from "./exit-codes.js";
import { commandHelp, topHelp } from "./help.js";
import type { Services } from "./services.js";

/**
 * One run of the CLI against the given services: parse, call the command's function, print;
 * the one error boundary. Resolves to the exit code (exit-codes.ts).
 */
export async function run(argv: readonly string[], services: Services): Promise<number> {
  const ctx = new Context(services, argv);
  try {
    if (argv[0] === COMPLETION_FLAG) {
      services.stdout.write((await completions(ctx, COMMANDS, argv.slice(2))).map((w) => `${w}\n`).join(""));
      return EXIT.OK;
    }
    const line = parseCommandLine(argv, COMMANDS);
    const globals = line.globals as GlobalArgs;
    ctx.configure(globals, configFlagsFrom(line.globals));
    if (line.kind === "help") {
      // Help stays text, also under --json: it is for people.
      services.stdout.write(line.path.length === 0 ? topHelp(COMMANDS) : commandHelp(line.path));
      return EXIT.OK;
    }
    if (line.kind === "version") {
      ctx.out.result({ version: services.version }, () => services.version);
      return EXIT.OK;
    }
    const { command, words } = line;
    if (command.session && ctx.out.json) {
      throw new UsageError(
        `--json does not apply to \`hal9000 ${words.join(" ")}\`: ${command.session} has the terminal, not a report`,
        "leave out --json",
      );
    }
    return (await command.run(line.args as never, ctx)) ?? EXIT.OK;
  } catch (err) {
    const report = reportOf(err);
    ctx.out.error(report, err);
    return report.exitCode;
  }
}
