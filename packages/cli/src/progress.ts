import type { Writable } from "./output.js";
import type { BuildEvent, ImageTarget } from "./services.js";
import type { Style } from "./style.js";

/**
 * Build progress on stderr. On a terminal: one line per image, rewritten in place.
 * Otherwise: one plain line per event (daemon log lines only with --verbose).
 */
export class BuildProgress {
  private readonly lines = new Map<ImageTarget, string>();
  private drawn = 0;

  constructor(
    private readonly stream: Writable & { columns?: number },
    private readonly opts: { live: boolean; verbose: boolean; style: Style },
  ) {}

  readonly onEvent = (e: BuildEvent): void => {
    const message = e.message.replace(/\s+/g, " ").trim();
    if (!this.opts.live) {
      if (e.kind === "log" && !this.opts.verbose) return;
      this.stream.write(`[${e.target}] ${message}\n`);
      return;
    }
    const s = this.opts.style;
    const mark = e.kind === "done" ? s.green("✓") : s.cyan("…");
    const text = e.kind === "log" ? s.dim(message) : message;
    this.lines.set(e.target, `${mark} ${s.bold(e.target)} ${text}`);
    this.redraw();
  };

  private redraw(): void {
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    let out = this.drawn > 0 ? `\u001b[${this.drawn}A` : "";
    for (const line of this.lines.values()) out += `\r\u001b[2K${truncate(line, width)}\n`;
    this.drawn = this.lines.size;
    this.stream.write(out);
  }
}

/** Cuts a line to the terminal width, counting visible characters only. */
function truncate(line: string, width: number): string {
  let visible = 0;
  let out = "";
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\u001b") {
      const end = line.indexOf("m", i);
      if (end !== -1) {
        out += line.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (visible >= width) continue;
    out += line[i];
    visible++;
  }
  return out;
}
