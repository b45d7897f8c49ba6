import { defineCommand } from "../command.js";
import { COMPLETION_SHELLS, type CompletionShell, completionScript } from "../completion.js";
import type { Context } from "../context.js";

export interface CompletionArgs {
  shell?: CompletionShell;
}

/** Prints the completion script for bash (default) or zsh (also when $SHELL is zsh). */
export async function completion(args: CompletionArgs, ctx: Context): Promise<void> {
  const shell: CompletionShell = args.shell ?? (ctx.services.env.SHELL?.endsWith("zsh") ? "zsh" : "bash");
  const script = completionScript(shell);
  ctx.out.result({ shell, script }, () => script.trimEnd());
}

export const completionCommand = defineCommand<CompletionArgs>({
  name: "completion",
  summary: "Print a bash/zsh completion script (hal9000 completion >> ~/.bashrc)",
  args: {
    shell: {
      positional: true,
      choices: COMPLETION_SHELLS,
      describe: "the shell (default: bash, or zsh when $SHELL is zsh)",
    },
  },
  examples: [
    ["hal9000 completion >> ~/.bashrc", "commands, options and worker names on TAB"],
    ["hal9000 completion zsh >> ~/.zshrc", "the same for zsh"],
  ],
  run: completion,
});
