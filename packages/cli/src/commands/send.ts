import { type Command, lastValue } from "../command.js";
import type { Context } from "../context.js";
import { UsageError } from "../errors.js";
import { parseTimeout } from "./run.js";
import { agentLine } from "./watch.js";

export interface SendArgs {
  name: string;
  prompt: string;
  wait?: boolean;
  timeout?: string;
}

/** `send <name> "prompt"|-`: a prompt for a running worker's Claude session, without attaching. */
export function sendCommand(ctx: Context): Command<SendArgs> {
  return {
    command: "send <name> <prompt>",
    describe: 'Give a running worker\'s Claude a prompt ("-" reads it from stdin)',
    builder: (y) =>
      y
        .positional("name", { type: "string", demandOption: true, describe: "worker name" })
        .positional("prompt", {
          type: "string",
          demandOption: true,
          describe: 'the prompt, or "-" for stdin',
        })
        .option("wait", {
          type: "boolean",
          describe: "return once Claude is no longer working (idle, waiting, done), with its state",
        })
        .option("timeout", {
          type: "string",
          requiresArg: true,
          coerce: lastValue,
          describe: 'with --wait: give up after this long, e.g. "90s", "10m"',
        }),
    handler: async (args) => {
      const timeoutMs = args.timeout === undefined ? undefined : parseTimeout(args.timeout);
      if (timeoutMs !== undefined && !args.wait) throw new UsageError("--timeout needs --wait", "add --wait");
      let prompt = String(args.prompt);
      // yargs hands a lone "-" positional over as "".
      if (prompt === "-" || (prompt === "" && !ctx.services.isTTY.stdin)) {
        prompt = "";
        for await (const chunk of ctx.services.stdin) prompt += chunk.toString();
      }
      if (prompt.trim() === "")
        throw new UsageError("the prompt is empty", `e.g. hal9000 send ${args.name} "run the tests"`);
      const hal = await ctx.open();
      const state = await hal.send(args.name, prompt, { wait: args.wait === true, timeoutMs });
      ctx.out.result(state ? state : { name: args.name, sent: true }, () =>
        state ? agentLine(ctx.out.style, state) : `sent to ${args.name}`,
      );
    },
  };
}
