import { readFile } from "node:fs/promises";
import type Docker from "dockerode";
import { execDetached, execIn } from "./exec.js";
import { tarOneFile } from "./tar.js";
import { waitFor } from "./wait.js";

const STUB = new URL("../fixtures/anthropic-stub.mjs", import.meta.url);

/** One request as the stub logged it. */
export interface StubRequest {
  method: string;
  url: string;
  stream: boolean;
  model: string | null;
  xApiKey: string | null;
  authorization: string | null;
  /** Whether the request body contained the marker. */
  marker: boolean;
  /** "401": refused for a wrong credential (requireAuth). */
  answer: "tool_use" | "text" | "-" | "401";
  /** The last prompt in a Messages request (its last 200 characters), else null. */
  prompt: string | null;
  /** Text of the last tool_result the request carried ("ERROR: …" for an error result), else null. */
  toolResult?: string | null;
  /** Names of the tools the request offered. */
  tools?: string[];
}

/** One scripted answer: for prompts containing `match`, ask for `tool`, then answer `reply`. */
export interface StubRule {
  /** A substring of the prompt (the last user text message); default: every prompt. */
  match?: string;
  /** A tool Claude should call (a real tool loop: Claude runs it and sends its result). */
  tool?: { name: string; input: Record<string, unknown> };
  /** The text that ends the turn; default the stub's reply. */
  reply?: string;
  /** Holds the answer back this long (requests that offer tools only). */
  delayMs?: number;
  /** Ask for `tool` this many rounds in a row (default 1). */
  times?: number;
  /** The request carrying `after` tool results waits until `file` (in the stub's container) exists. */
  hold?: { file: string; after: number };
}

export interface StubOptions {
  /** The final text answer. */
  reply: string;
  /** Tool-use mode: first ask Claude to Write `file` with `content`, then answer `reply`. */
  write?: { file: string; content: string };
  /** A string whose presence in each request body the stub logs. */
  marker?: string;
  /** Scripted answers, tried in order before `write`. */
  rules?: StubRule[];
  /** Answer 401 unless x-api-key or `Authorization: Bearer` carries this value. */
  requireAuth?: string;
}

export interface AnthropicStub {
  port: number;
  reply: string;
  /** ANTHROPIC_* settings that point the Claude CLI at the stub. */
  env: Record<string, string>;
  /** The requests the stub has seen, in order. */
  requests(): Promise<StubRequest[]>;
}

/**
 * Copies the Messages API stub (fixtures/anthropic-stub.mjs) into a running container (the
 * parent) and starts it on that container's loopback, which its workers share. Returns once it
 * answers; its env carries no credential.
 */
export async function startStub(
  docker: Docker,
  container: string,
  opts: StubOptions,
): Promise<AnthropicStub> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  await docker
    .getContainer(container)
    .putArchive(tarOneFile("anthropic-stub.mjs", await readFile(STUB)), { path: "/tmp" });
  const log = `/tmp/anthropic-stub-${port}.log`;
  await execDetached(docker, container, [
    "sh",
    "-c",
    `exec node /tmp/anthropic-stub.mjs "$0" > ${log} 2>&1`,
    JSON.stringify({ port, ...opts }),
  ]);
  await waitFor("the Anthropic stub to listen", async () => {
    const r = await execIn(docker, container, ["cat", log]);
    return r.output.includes("listening") || undefined;
  });
  return {
    port,
    reply: opts.reply,
    env: { ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}`, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1" },
    async requests() {
      const r = await execIn(docker, container, ["cat", log]);
      return r.output
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as StubRequest);
    },
  };
}

/** The stub answering `reply` to everything, with a dummy API key in its env. */
export async function startAnthropicStub(
  docker: Docker,
  container: string,
  reply = "Hello from the hal9000 stub!",
): Promise<AnthropicStub> {
  const stub = await startStub(docker, container, { reply });
  return { ...stub, env: { ...stub.env, ANTHROPIC_API_KEY: "dummy" } };
}
