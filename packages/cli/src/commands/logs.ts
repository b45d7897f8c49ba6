import { type Command, lastValue } from "../command.js";
import type { Context } from "../context.js";
import { UsageError } from "../errors.js";

export function logsCommand(ctx: Context): Command<{ name: string; follow?: boolean; tail?: number }> {
  return {
    command: "logs <name>",
    describe: "View worker logs",
    builder: (y) =>
      y
        .positional("name", { type: "string", demandOption: true, describe: "worker name" })
        .option("follow", { alias: "f", type: "boolean", describe: "keep printing new output" })
        .option("tail", {
          type: "number",
          requiresArg: true,
          coerce: lastValue,
          describe: "only the last N lines",
        }),
    handler: async (args) => {
      if (args.tail !== undefined && (!Number.isInteger(args.tail) || args.tail < 0)) {
        throw new UsageError(`--tail must be a whole number of lines, got "${args.tail}"`, "e.g. --tail 100");
      }
      if (ctx.out.json && args.follow) {
        throw new UsageError("--json and --follow do not go together: one document cannot keep growing");
      }
      const hal = await ctx.open();
      const stream = await hal.logs(args.name, { follow: args.follow === true, tail: args.tail });
      if (!ctx.out.json) {
        for await (const chunk of stream) ctx.out.raw(chunk as string | Uint8Array);
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(Buffer.from(chunk as string | Uint8Array));
      const lines = Buffer.concat(chunks).toString("utf8").split("\n");
      if (lines[lines.length - 1] === "") lines.pop();
      ctx.out.result({ name: args.name, lines }, () => []);
    },
  };
}
