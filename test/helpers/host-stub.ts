import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { AnthropicStub, StubOptions, StubRequest } from "./anthropic-stub.js";
import { waitFor } from "./wait.js";

const STUB = fileURLToPath(new URL("../fixtures/anthropic-stub.mjs", import.meta.url));

export interface HostStub extends AnthropicStub {
  stop(): Promise<void>;
}

/**
 * The Messages API stub on the host's loopback, for a Claude that runs on the host (Option C:
 * Claude on the host, hal9000 as its MCP server). Its env carries no credential.
 */
export async function startHostStub(opts: StubOptions): Promise<HostStub> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child: ChildProcess = spawn(process.execPath, [STUB, JSON.stringify({ port, ...opts })], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await waitFor("the host's Anthropic stub to listen", () => out.includes("listening") || undefined);
  return {
    port,
    reply: opts.reply,
    env: { ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}`, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1" },
    async requests() {
      return out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as StubRequest);
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
