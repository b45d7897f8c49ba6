/**
 * Shell completion from the command tables. The script (`hal9000 completion`) calls
 * `hal9000 --get-yargs-completions hal9000 <words…>` (the name yargs' scripts used, so scripts
 * installed by earlier versions keep working); it is answered with command names, actions,
 * options, and the running workers' names where a command takes a worker.
 */
import { type AnyCommand, type CommandSpec, flagName, isGroup, isPositional } from "./command.js";
import { configFlagsFrom } from "./config-flags.js";
import type { Context } from "./context.js";
import { ALL_GLOBAL_OPTIONS } from "./global-options.js";
import { entries } from "./usage.js";

export const COMPLETION_FLAG = "--get-yargs-completions";

export const COMPLETION_SHELLS = ["bash", "zsh"] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** The words to offer for the last of `words` (the one being typed). */
export async function completions(
  ctx: Context,
  registry: readonly AnyCommand[],
  words: readonly string[],
): Promise<string[]> {
  const current = words[words.length - 1] ?? "";
  const before = words.slice(0, -1);
  const positionals: string[] = [];
  const given: Record<string, unknown> = {};
  for (let i = 0; i < before.length; i++) {
    const word = before[i] as string;
    if (!word.startsWith("-")) {
      positionals.push(word);
      continue;
    }
    const name = word.replace(/^-+/, "").split("=")[0] ?? "";
    const spec = ALL_GLOBAL_OPTIONS[name];
    if (spec && "value" in spec && !word.includes("=")) given[name] = before[++i];
  }
  let level: readonly AnyCommand[] | readonly CommandSpec[] = registry;
  let command: CommandSpec | undefined;
  let used = 0;
  for (const word of positionals) {
    const found: AnyCommand | undefined = (level as readonly AnyCommand[]).find((c) => c.name === word);
    if (!found) break;
    used++;
    if (isGroup(found)) level = found.commands;
    else {
      command = found as CommandSpec;
      break;
    }
  }
  const startsWith = (list: string[]) => list.filter((w) => w.startsWith(current));
  const optionWords = (table: object) =>
    entries(table)
      .filter(([, s]) => !isPositional(s) && !s.hidden)
      .map(([key]) => `--${flagName(key)}`);
  if (current.startsWith("-")) {
    return startsWith([...(command ? optionWords(command.args) : []), ...optionWords(ALL_GLOBAL_OPTIONS)]);
  }
  if (!command) {
    return startsWith((level as readonly AnyCommand[]).filter((c) => !c.hidden).map((c) => c.name));
  }
  const slots = entries(command.args).filter(([, s]) => isPositional(s));
  const at = positionals.length - used;
  // A list (`wait a b …`) takes every word from its place on.
  const slot = (slots[at] ?? slots.find(([, s]) => isPositional(s) && s.positional === "rest"))?.[1];
  if (!slot || !isPositional(slot)) return [];
  if (slot.positional === true && slot.choices) return startsWith(slot.choices.map(String));
  if (slot.complete !== "workers") return [];
  try {
    ctx.configure({ home: given.home as string | undefined }, configFlagsFrom(given));
    const hal = await ctx.open();
    return startsWith((await hal.list()).map((w) => w.name));
  } catch {
    // Completion must never print errors into the user's command line.
    return [];
  }
}

/** The script to source, for bash or zsh. */
export function completionScript(shell: CompletionShell): string {
  if (shell === "zsh") {
    return `#compdef hal9000
###-begin-hal9000-completions-###
# hal9000 completion for zsh. Install: hal9000 completion zsh >> ~/.zshrc
_hal9000_completions()
{
  local reply
  local si=$IFS
  IFS=$'\\n' reply=($(hal9000 ${COMPLETION_FLAG} "\${words[@]}"))
  IFS=$si
  _describe 'values' reply
}
compdef _hal9000_completions hal9000
###-end-hal9000-completions-###
`;
  }
  return `###-begin-hal9000-completions-###
# hal9000 completion for bash. Install: hal9000 completion >> ~/.bashrc
_hal9000_completions()
{
    local cur_word type_list
    cur_word="\${COMP_WORDS[COMP_CWORD]}"
    type_list=$(hal9000 ${COMPLETION_FLAG} "\${COMP_WORDS[@]:0:COMP_CWORD+1}")
    COMPREPLY=( $(compgen -W "\${type_list}" -- "\${cur_word}") )
    return 0
}
complete -o bashdefault -o default -F _hal9000_completions hal9000
###-end-hal9000-completions-###
`;
}
