import type Docker from "dockerode";
import { type AnthropicStub, type StubRequest, startStub } from "./anthropic-stub.js";

export type { StubRequest };
export type ToolStub = AnthropicStub;

/**
 * Starts the stub in tool-use mode on the loopback of a running container (the parent), which
 * its workers share: it asks Claude to Write `file` with `content`, then answers `finalText`.
 * Its env carries no credential: hal9000 hands that over.
 */
export function startToolStub(
  docker: Docker,
  container: string,
  opts: { file: string; content: string; finalText: string; marker?: string },
): Promise<ToolStub> {
  return startStub(docker, container, {
    reply: opts.finalText,
    write: { file: opts.file, content: opts.content },
    marker: opts.marker,
  });
}
