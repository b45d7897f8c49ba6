/**
 * The daemon's /build response is newline-delimited JSON, split across chunks at any
 * byte. A failing step does not fail the HTTP request: it arrives as an `errorDetail` /
 * `error` message in the stream (dockerode's followProgress ignores it), so every
 * message is read here.
 */
export interface BuildMessage {
  stream?: string;
  status?: string;
  progress?: string;
  id?: string;
  aux?: { ID?: string };
  error?: string;
  errorDetail?: { code?: number; message?: string };
}

export type BuildOutput =
  | { kind: "step"; message: string }
  | { kind: "log"; message: string }
  | { kind: "image-id"; id: string }
  | { kind: "error"; message: string; code?: number };

/** Splits a chunked JSON-lines stream into messages; keeps a partial last line for the next chunk. */
export class BuildStreamParser {
  private buffer = "";

  push(chunk: string | Buffer): BuildMessage[] {
    this.buffer += chunk.toString();
    const lines = this.buffer.split(/\r?\n/);
    this.buffer = lines.pop() ?? "";
    return lines.flatMap(parseLine);
  }

  /** Whatever is left when the stream ends (the daemon may omit the last newline). */
  end(): BuildMessage[] {
    const rest = this.buffer;
    this.buffer = "";
    return parseLine(rest);
  }
}

function parseLine(line: string): BuildMessage[] {
  const text = line.trim();
  if (!text) return [];
  try {
    return [JSON.parse(text) as BuildMessage];
  } catch {
    // Not JSON (a proxy's error page, say): keep it visible as output rather than drop it.
    return [{ stream: text }];
  }
}

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
