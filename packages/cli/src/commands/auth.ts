/**
 * `hal9000 auth set | status | remove`: the Anthropic credential workers get, kept in a 0600
 * file under HAL9000_HOME/secrets and handed to each worker as a read-only file. The value is
 * read from stdin (hidden on a terminal), never from the command line, and never printed.
 */
import { stat } from "node:fs/promises";
import {
  CREDENTIAL_KINDS,
  type CredentialKind,
  credentialStatus,
  guessCredentialKind,
  MAX_CREDENTIAL_LENGTH,
  removeCredential,
  saveCredential,
} from "@hal9000/volumes";
import type { Argv } from "yargs";
import { type Command, lastValue } from "../command.js";
import { CONFIG_FLAGS } from "../config-flags.js";
import type { Context, GlobalArgs } from "../context.js";
import { CancelledError, UsageError } from "../errors.js";
import { plural } from "../format.js";

export const AUTH_ACTIONS = ["set", "status", "remove"] as const;

const KIND_LABEL: Record<CredentialKind, string> = {
  "api-key": "Anthropic API key",
  "oauth-token": "Claude OAuth token",
};

/** More than this on stdin is not a credential (and is not read into memory). */
const MAX_INPUT = MAX_CREDENTIAL_LENGTH * 4;

/** Options `auth set` knows (yargs adds camelCase twins and its own keys); anything else may be a value. */
const KNOWN_SET_KEYS: ReadonlySet<string> = new Set([
  ...["_", "$0", "kind", "oauth-token", "oauthToken", "json", "home", "verbose", "value"],
  ...CONFIG_FLAGS.flatMap((f) => [
    f.option,
    f.option.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()),
  ]),
]);

interface SetArgs {
  value?: string[];
  kind?: CredentialKind;
  oauthToken?: boolean;
}

export function authCommand(ctx: Context): Command {
  return {
    command: "auth",
    describe: "The Anthropic credential workers get: set | status | remove",
    builder: (y: Argv<GlobalArgs>) =>
      y
        .command({
          command: "set",
          describe: "Store an API key or OAuth token, read from stdin (hidden on a terminal)",
          builder: (b) =>
            b
              // Not strict: a value given as an argument must reach the handler, which refuses it
              // without repeating it (yargs' own "Unknown argument" message would print it).
              .strict(false)
              .strictCommands(false)
              .option("kind", {
                type: "string",
                choices: CREDENTIAL_KINDS,
                requiresArg: true,
                coerce: lastValue,
                describe: "what it is (default: guessed from its prefix, else api-key)",
              })
              .option("oauth-token", { type: "boolean", describe: "same as --kind oauth-token" }),
          handler: (args) =>
            setCredential(ctx, {
              ...(args as unknown as SetArgs),
              value: (args._ as unknown[]).slice(2).map(String),
            }),
        })
        .command({
          command: "status",
          describe: "Show whether a credential is stored, its kind and file (never its value)",
          handler: () => showStatus(ctx),
        })
        .command({
          command: "remove",
          describe: "Remove the stored credential and every worker's copy of it",
          handler: () => remove(ctx),
        })
        .demandCommand(1, "missing auth action"),
    handler: () => undefined,
  };
}

async function setCredential(ctx: Context, args: SetArgs): Promise<void> {
  const unknown = Object.keys(args).filter((k) => !KNOWN_SET_KEYS.has(k));
  if ((args.value !== undefined && args.value.length > 0) || unknown.length > 0) {
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
  const kind: CredentialKind = args.oauthToken
    ? "oauth-token"
    : (args.kind ?? guessCredentialKind(value) ?? "api-key");
  // As root (sudo), the file still belongs to whoever owns HAL9000_HOME.
  const owner = await stat(hal.layout.home).then(
    (s) => ({ uid: s.uid, gid: s.gid }),
    () => undefined,
  );
  const saved = await saveCredential(hal.layout, { kind, value, owner });
  ctx.out.result({ stored: true, kind: saved.kind, path: saved.path }, () => [
    `stored the ${KIND_LABEL[saved.kind]} in ${saved.path} (mode 0600)`,
    "workers spawned from now on get it as a read-only file, never in their environment",
  ]);
}

async function showStatus(ctx: Context): Promise<void> {
  const { layout } = await ctx.layoutForDiagnosis();
  const status = await credentialStatus(layout);
  // Imported here, not at the top: @hal9000/core loads dockerode, which the parser must not pay for.
  const { CREDENTIAL_ENV } = await import("@hal9000/core/internal");
  // Which variables are set (they win over the stored credential); never their values.
  const env = Object.fromEntries(
    Object.keys(CREDENTIAL_ENV).map((name) => [name, Boolean(ctx.services.env[name]?.trim())]),
  );
  const overriding = Object.keys(env).filter((n) => env[n]);
  ctx.out.result({ ...status, env }, () => {
    const lines = status.present
      ? [`credential: ${KIND_LABEL[status.kind ?? "api-key"]} in ${status.path}`]
      : ["credential: none stored (store one with `hal9000 auth set`)"];
    for (const name of overriding) {
      lines.push(`note: ${name} is set in this environment; workers spawned from here get it instead`);
    }
    for (const p of status.problems) lines.push(`problem: ${p}`);
    return lines;
  });
  if (status.problems.length > 0) {
    ctx.out.note(`hal9000: the stored credential has ${plural(status.problems.length, "problem")}`);
    ctx.exitCode = 1;
  }
}

async function remove(ctx: Context): Promise<void> {
  const hal = await ctx.open();
  const removed = await removeCredential(hal.layout);
  const { removeWorkerCredentials } = await import("@hal9000/core/internal");
  const copies = await removeWorkerCredentials(hal.layout);
  ctx.out.result({ removed, workerCopies: copies.length }, () => [
    removed ? "removed the stored credential" : "no credential was stored",
    ...(copies.length > 0 ? [`removed ${plural(copies.length, "worker copy", "worker copies")}`] : []),
  ]);
}

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
