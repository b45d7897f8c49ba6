import { COMPLETION_FLAG, workerNameCompletions } from "./completion.js";
import { Context } from "./context.js";
import { reportOf } from "./errors.js";
import { buildParser, usageError } from "./parser.js";
import type { Services } from "./services.js";

/**
 * One run of the CLI against the given services; the one error boundary. Resolves to the
 * exit code: 0 success, 1 failure, 2 usage error (or an interactive worker's own code).
 */
export async function run(argv: readonly string[], services: Services): Promise<number> {
  const ctx = new Context(services, argv);
  try {
    if (argv[0] === COMPLETION_FLAG) {
      const names = await workerNameCompletions(ctx, argv.slice(2));
      if (names) {
        services.stdout.write(names.map((n) => `${n}\n`).join(""));
        return 0;
      }
    }
    let text = "";
    await buildParser(ctx, argv).parseAsync([...argv], {}, (_err, _args, output) => {
      // Help, --version and completion text come back here instead of going to console.log.
      if (output) text = output;
    });
    if (text) services.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    return ctx.exitCode;
  } catch (thrown) {
    // A few yargs checks (e.g. an option missing its value) throw instead of calling .fail().
    const err =
      thrown instanceof Error && thrown.name === "YError" ? usageError(thrown.message, argv) : thrown;
    const report = reportOf(err);
    ctx.out.error(report, err);
    return report.exitCode;
  }
}
