import type { Engine, EngineEvent } from "../engine/engine.js";
import { LABEL_ROLE } from "../vocabulary/labels.js";
import type { CoordinatorLog } from "./log.js";
import { pause } from "./pause.js";

export interface EventStreamOptions {
  signal: AbortSignal;
  /** First and longest pause before reconnecting a broken stream. */
  delayMs: { min: number; max: number };
  /** Seconds since the epoch to replay from, asked at each (re)connect. */
  since(): number;
  onEvent(ev: EngineEvent): void;
  /** After a break, before listening again: catch up with what happened meanwhile. */
  onReconnect(): Promise<void>;
  log: CoordinatorLog;
}

/**
 * Listens to the container events of every hal9000 container (this parent's workers, and the
 * parent itself: its start means a new network namespace) and reconnects, backing off, when the
 * stream breaks or ends. Returns when `signal` aborts.
 */
export async function followEvents(engine: Engine, opts: EventStreamOptions): Promise<void> {
  const { signal, log } = opts;
  let delay = opts.delayMs.min;
  let broken = false;
  while (!signal.aborted) {
    try {
      const events = await engine.events(
        {
          since: opts.since(),
          filters: { type: ["container"], event: ["start", "die", "destroy"], label: [LABEL_ROLE] },
          unreadable: (line) => log.warn(`unreadable Docker event: ${line.slice(0, 200)}`),
        },
        signal,
      );
      delay = opts.delayMs.min;
      if (broken) log.info("watching Docker events again");
      else log.debug("watching Docker events");
      try {
        for await (const ev of events) opts.onEvent(ev);
      } catch (err) {
        log.debug(`event stream error: ${(err as Error).message}`);
      }
      if (signal.aborted) break;
      log.warn(`Docker event stream ended; reconnecting in ${delay} ms`);
    } catch (err) {
      if (signal.aborted) break;
      log.warn(`Docker event stream failed (${(err as Error).message}); retrying in ${delay} ms`);
    }
    broken = true;
    await pause(delay, signal);
    delay = Math.min(delay * 2, opts.delayMs.max);
    if (signal.aborted) break;
    await opts.onReconnect();
  }
}
