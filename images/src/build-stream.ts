import type { BuildMessage } from "@hal9000/core";

/**
 * The daemon's /build response is newline-delimited JSON, split across chunks at any
 * byte. A failing step does not fail the HTTP request: it arrives as an `errorDetail` /
 * `error` message in the stream (dockerode's followProgress ignores it), so every
 * message is read here. Core's engine client splits the stream into messages (a line that is
 * not JSON comes as `stream`, so it stays visible).
 */
export type BuildOutput =
  | { kind: "step"; message: string }
  | { kind: "log"; message: string }
  | { kind: "image-id"; id: string }
  | { kind: "error"; message: string; code?: number };

/** What one daemon message means for the caller. */
export function interpretBuildMessage(msg: BuildMessage): BuildOutput[] {
  if (msg.errorDetail || msg.error) {
    const message = (msg.errorDetail?.message ?? msg.error ?? "unknown build error").trim();
    return [
      { kind: "error", message, ...(msg.errorDetail?.code !== undefined && { code: msg.errorDetail.code }) },
    ];
  }
  const out: BuildOutput[] = [];
  if (msg.aux?.ID) out.push({ kind: "image-id", id: msg.aux.ID });
  if (msg.stream) {
    for (const raw of msg.stream.split(/\r?\n/)) {
      const line = raw.trimEnd();
      if (!line.trim()) continue;
      if (/^Step \d+\/\d+ : /.test(line)) out.push({ kind: "step", message: line });
      else out.push({ kind: "log", message: line });
      // The classic builder's last word when it did not send an aux ID.
      const built = /^Successfully built ([0-9a-f]{12,64})$/.exec(line.trim());
      if (built?.[1] && !msg.aux) out.push({ kind: "image-id", id: built[1] });
    }
  }
  if (msg.status) {
    out.push({ kind: "log", message: [msg.id, msg.status, msg.progress].filter(Boolean).join(" ") });
  }
  return out;
}

export type { BuildMessage };
