import { readFile } from "node:fs/promises";
import type Docker from "dockerode";
import { execDetached, execIn } from "./exec.js";
import { tarOneFile } from "./tar.js";
import { waitFor } from "./wait.js";

const STUB = new URL("../fixtures/core-anthropic-stub.mjs", import.meta.url);

export interface AnthropicStub {
  port: number;
  reply: string;
  /** ANTHROPIC_* settings that point the Claude CLI at the stub. */
  env: Record<string, string>;
  /** The requests the stub has seen, one line each. */
  requests(): Promise<string[]>;
}

/**
 * Copies the Messages API stub into a running container (the parent) and starts it on
 * that container's loopback, which its workers share. Returns once it answers.
 */
export async function startAnthropicStub(
  docker: Docker,
  container: string,
  reply = "Hello from the hal9000 stub!",
): Promise<AnthropicStub> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  await docker
    .getContainer(container)
    .putArchive(tarOneFile("core-anthropic-stub.mjs", await readFile(STUB)), { path: "/tmp" });
  const log = `/tmp/core-anthropic-stub-${port}.log`;
  await execDetached(docker, container, [
    "sh",
    "-c",
    `exec node /tmp/core-anthropic-stub.mjs ${port} "$0" > ${log} 2>&1`,
    reply,
  ]);
  await waitFor("the Anthropic stub to listen", async () => {
    const r = await execIn(docker, container, ["cat", log]);
    return r.output.includes("listening") || undefined;
  });
  return {
    port,
    reply,
    env: {
      ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}`,
      ANTHROPIC_API_KEY: "dummy",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    },
    async requests() {
      const r = await execIn(docker, container, ["cat", log]);
      return r.output.split("\n").filter((l) => l !== "" && !l.startsWith("listening"));
    },
  };
}
