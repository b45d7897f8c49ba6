import { readFile } from "node:fs/promises";
import type Docker from "dockerode";
import { execDetached, execIn } from "./exec.js";
import { tarOneFile } from "./tar.js";
import { waitFor } from "./wait.js";

const STUB = new URL("../fixtures/hardening-anthropic-stub.mjs", import.meta.url);

/** One request as the tool-use stub logged it. */
export interface StubRequest {
  method: string;
  url: string;
  stream: boolean;
  model: string | null;
  xApiKey: string | null;
  authorization: string | null;
  /** Whether the request body contained the marker. */
  marker: boolean;
  answer: "tool_use" | "text" | "-";
}

export interface ToolStub {
  port: number;
  /** ANTHROPIC_* settings that point the Claude CLI at the stub (no credential: hal9000 hands that over). */
  env: Record<string, string>;
  requests(): Promise<StubRequest[]>;
}

/**
 * Starts the tool-use stub (fixtures/hardening-anthropic-stub.mjs) on the loopback of a running
 * container (the parent), which its workers share: it asks Claude to Write `file` with
 * `content`, then answers `finalText`.
 */
export async function startToolStub(
  docker: Docker,
  container: string,
  opts: { file: string; content: string; finalText: string; marker?: string },
): Promise<ToolStub> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  await docker
    .getContainer(container)
    .putArchive(tarOneFile("hardening-anthropic-stub.mjs", await readFile(STUB)), { path: "/tmp" });
  const log = `/tmp/hardening-anthropic-stub-${port}.log`;
  await execDetached(docker, container, [
    "sh",
    "-c",
    `exec node /tmp/hardening-anthropic-stub.mjs ${port} "$0" "$1" "$2" "$3" > ${log} 2>&1`,
    opts.file,
    opts.content,
    opts.finalText,
    opts.marker ?? "",
  ]);
  await waitFor("the tool-use stub to listen", async () => {
    const r = await execIn(docker, container, ["cat", log]);
    return r.output.includes("listening") || undefined;
  });
  return {
    port,
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
