import { AppendLog, type Hal9000Config } from "@hal9000/volumes";
import { logFor } from "../vocabulary/log.js";

type Level = Hal9000Config["logLevel"];
const RANK: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3 };
const debug = logFor("coordinator");

/** `<logs>/coordinator.log`: one timestamped line per event, filtered by LOG_LEVEL (and mirrored to debug). */
export class CoordinatorLog {
  readonly file: string;
  readonly #level: Level;
  readonly #out: AppendLog;

  constructor(file: string, level: Level) {
    this.file = file;
    this.#level = level;
    this.#out = new AppendLog(file, (err) => debug("cannot write %s: %s", file, err.message));
  }

  /** The previous generation, after a rotation. */
  get rotatedFile(): string {
    return this.#out.rotatedFile;
  }

  /** Once the file holds `maxBytes` or more, it becomes `<file>.1` and a new one starts. True when it rotated. */
  rotate(maxBytes: number): Promise<boolean> {
    return this.#out.rotate(maxBytes);
  }

  write(level: Level, message: string): void {
    debug("%s %s", level, message);
    if (RANK[level] > RANK[this.#level]) return;
    this.#out.write(`${new Date().toISOString()} ${level.padEnd(5)} ${message}\n`);
  }

  error(message: string): void {
    this.write("error", message);
  }
  warn(message: string): void {
    this.write("warn", message);
  }
  info(message: string): void {
    this.write("info", message);
  }
  debug(message: string): void {
    this.write("debug", message);
  }

  close(): Promise<void> {
    return this.#out.close();
  }
}
