/**
 * `hal9000 auth set | status | remove`: the Anthropic credential workers get, kept in a 0600
 * file under HAL9000_HOME/secrets and handed to each worker as a read-only file. The value is
 * read from stdin (hidden on a terminal), never from the command line, and never printed.
 */
import { CREDENTIAL_KINDS, type CredentialKind, MAX_CREDENTIAL_LENGTH } from "../api.js";
import { defineCommand, defineGroup } from "../command.js";
import type { Context } from "../context.js";
import { CancelledError, UsageError } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import { plural } from "../format.js";

const KIND_LABEL: Record<CredentialKind, string> = {
  "api-key": "Anthropic API key",
  "oauth-token": "Claude OAuth token",
};

/** More than this on stdin is not a credential (and is not read into memory). */
const MAX_INPUT = MAX_CREDENTIAL_LENGTH * 4;

export interface SetArgs {
  /** Words after `set`: refused, never echoed (a value typed there is in the shell history). */
  value?: string[];
  kind?: CredentialKind;
  oauthToken?: boolean;
}

export async function setCredential(args: SetArgs, ctx: Context): Promise<void> {
  if (args.value !== undefined && args.value.length > 0) {
    // Deliberately not echoed: the value would land in the terminal's scrollback too.
    throw new UsageError(
      "the credential is never taken from the command line (it would stay in your shell history and in `ps`); nothing was stored",
      'pipe it in: printf %s "$ANTHROPIC_API_KEY" | hal9000 auth set, or run `hal9000 auth set` on a terminal and paste it',
    );
  }
  if (args.oauthToken && args.kind === "api-key") {
    throw new UsageError("--oauth-token and --kind api-key contradict each other", "give one of them");
  }
  const hal = await ctx.open();
  const value = (await readSecret(ctx)).trim();
  if (value === "") {
    throw new UsageError(
      "no credential given on stdin; nothing was stored",
      'pipe it in: printf %s "$ANTHROPIC_API_KEY" | hal9000 auth set',
    );
  }
  const saved = await hal.setCredential({ value, kind: args.oauthToken ? "oauth-token" : args.kind });
  ctx.out.result({ stored: true, kind: saved.kind, path: saved.path }, () => [
    `stored the ${KIND_LABEL[saved.kind]} in ${saved.path} (mode 0600)`,
    "workers spawned from now on get it as a read-only file, never in their environment",
  ]);
}

export async function credentialStatusReport(_args: object, ctx: Context): Promise<number> {
  const hal = await ctx.open();
  const status = await hal.credentialStatus();
  const overriding = Object.keys(status.env).filter((n) => status.env[n]);
  ctx.out.result(status, () => {
    const lines = status.present
      ? [`credential: ${KIND_LABEL[status.kind ?? "api-key"]} in ${status.path}`]
      : status.hint
        ? [
            "credential: none stored, and none in this environment: workers get no credential",
            `  hint: ${status.hint}`,
          ]
        : ["credential: none stored (store one with `hal9000 auth set`)"];
    for (const name of overriding) {
      lines.push(`note: ${name} is set in this environment; workers spawned from here get it instead`);
    }
    for (const p of status.problems) lines.push(`problem: ${p}`);
    return lines;
  });
  if (status.problems.length === 0) return EXIT.OK;
  ctx.out.note(`hal9000: the stored credential has ${plural(status.problems.length, "problem")}`);
  return EXIT.PROBLEMS;
}

export async function removeCredentials(_args: object, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  const { removed, workerCopies } = await hal.removeCredential();
  ctx.out.result({ removed, workerCopies }, () => [
    removed ? "removed the stored credential" : "no credential was stored",
    ...(workerCopies > 0 ? [`removed ${plural(workerCopies, "worker copy", "worker copies")}`] : []),
  ]);
}

export const authCommand = defineGroup({
  name: "auth",
  summary: "The Anthropic credential workers get: set | status | remove",
  description:
    "The Anthropic API key or Claude OAuth token workers get, kept in a 0600 file and handed to each worker as a read-only file, never in its environment.",
  commands: [
    defineCommand<SetArgs>({
      name: "set",
      summary: "Store an API key or OAuth token, read from stdin (hidden on a terminal)",
      args: {
        value: { positional: "rest", hidden: true, describe: "refused: the value is read from stdin" },
        kind: {
          value: "KIND",
          choices: CREDENTIAL_KINDS,
          describe: "what it is (default: guessed from its prefix, else api-key)",
        },
        oauthToken: { describe: "same as --kind oauth-token" },
      },
      examples: [
        ["hal9000 auth set", "paste it at the hidden prompt"],
        ['printf %s "$ANTHROPIC_API_KEY" | hal9000 auth set', "from a variable, in a script"],
        ["hal9000 auth set --oauth-token", "a subscription's token, printed by `claude setup-token`"],
      ],
      run: setCredential,
    }),
    defineCommand<object>({
      name: "status",
      summary:
        "Show whether a credential is stored, its kind and file (never its value; exit 1 on a problem)",
      args: {},
      examples: [
        ["hal9000 auth status", "kind and file of the stored credential"],
        ["hal9000 auth status --json", "the same as one JSON document"],
      ],
      run: credentialStatusReport,
    }),
    defineCommand<object>({
      name: "remove",
      summary: "Remove the stored credential and every worker's copy of it",
      args: {},
      examples: [
        ["hal9000 auth remove", "the stored credential and the workers' copies"],
        ["hal9000 auth remove --json", '{ "removed": …, "workerCopies": N }'],
      ],
      run: removeCredentials,
    }),
  ],
  examples: [
    ["hal9000 auth set", "store a key (hidden prompt)"],
    ["hal9000 auth status", "what is stored, never the value"],
  ],
});

/** The secret from stdin: hidden and line-edited on a terminal, else all of stdin. */
async function readSecret(ctx: Context): Promise<string> {
  const { stdin, stderr, isTTY } = ctx.services;
  if (isTTY.stdin) {
    stderr.write("Anthropic API key or Claude OAuth token (input hidden): ");
    try {
      return await readHiddenLine(stdin);
    } finally {
      stderr.write("\n");
    }
  }
  let text = "";
  for await (const chunk of stdin) {
    text += chunk.toString();
    if (text.length > MAX_INPUT) {
      throw new UsageError(
        `stdin holds more than ${MAX_INPUT} characters, which is not a credential; nothing was stored`,
        'pipe in only the key: printf %s "$ANTHROPIC_API_KEY" | hal9000 auth set',
      );
    }
  }
  return text;
}

/** One line typed on a terminal in raw mode, never echoed; Ctrl-C cancels. */
function readHiddenLine(stdin: Context["services"]["stdin"]): Promise<string> {
  const raw = typeof stdin.setRawMode === "function";
  return new Promise<string>((resolve, reject) => {
    let line = "";
    const done = (err?: Error) => {
      stdin.removeListener("data", onData);
      stdin.removeListener("end", onEnd);
      if (raw) stdin.setRawMode?.(false);
      (stdin as { pause?: () => unknown }).pause?.();
      if (err) reject(err);
      else resolve(line);
    };
    const onEnd = () => done();
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return done();
        if (ch === "\u0003") return done(new CancelledError("cancelled: nothing was stored"));
        if (ch === "\u007f" || ch === "\b") line = line.slice(0, -1);
        else if (line.length <= MAX_INPUT) line += ch;
      }
    };
    if (raw) stdin.setRawMode?.(true);
    stdin.on("data", onData);
    stdin.once("end", onEnd);
    (stdin as { resume?: () => unknown }).resume?.();
  });
}
