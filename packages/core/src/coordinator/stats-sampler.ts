import { type StatsSample, writeStatsSamples } from "@hal9000/volumes";
import type { CoreContext } from "../context/context.js";
import { statsSampleOf } from "../fleet/stats.js";
import type { CoordinatorLog } from "./log.js";
import { pause } from "./pause.js";

/** How often each running worker is sampled (RECORDED_MAX_AGE_MS in fleet/stats.ts allows 15 s). */
export const STATS_SAMPLE_INTERVAL_MS = 5_000;
/** Per worker: CPU use is measured between the last two. */
const KEEP = 2;
/**
 * A round gives up on a call after this long: the engine's collector reads containers one after
 * another, so one slow to answer (e.g. being torn down) holds every call up; the round records
 * what it got and the next one tries again.
 */
const CALL_TIMEOUT_MS = 10_000;

/**
 * Reads every running worker's figures every `intervalMs` and records the last two per worker
 * through volumes (run/stats-<parent>.json), so `status` shows them without waiting. Docker
 * 20.10 serves all stats from one collector that reads the subscribed containers one after
 * another and then sleeps a second; one-shot calls (no second sample waited for) made all at
 * once are served by one of its passes. Cheaper for the daemon than a stream per worker, which
 * keeps the collector reading every worker every second; no connection stays open between rounds.
 */
export class StatsSampler {
  readonly #ctx: CoreContext;
  readonly #log: CoordinatorLog;
  readonly #intervalMs: number;
  readonly #running: () => readonly string[];
  readonly #samples = new Map<string, StatsSample[]>();
  #written = false;

  /** `running`: the ids of the running workers (the coordinator follows each one's output already: no listing per round). */
  constructor(
    ctx: CoreContext,
    log: CoordinatorLog,
    running: () => readonly string[],
    intervalMs = STATS_SAMPLE_INTERVAL_MS,
  ) {
    this.#ctx = ctx;
    this.#log = log;
    this.#running = running;
    this.#intervalMs = intervalMs;
  }

  /** Samples until `signal` aborts; a failed round is logged and the next one comes. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.sample();
      } catch (err) {
        this.#log.debug(`sampling the workers' stats: ${(err as Error).message}`);
      }
      await pause(this.#intervalMs, signal);
    }
  }

  /** One round: every running worker of this parent once; workers no longer running are dropped. */
  async sample(): Promise<void> {
    const ids = new Set(this.#running());
    for (const id of this.#samples.keys()) if (!ids.has(id)) this.#samples.delete(id);
    if (ids.size === 0 && this.#written && this.#samples.size === 0) return; // nothing new to say
    const signal = AbortSignal.timeout(CALL_TIMEOUT_MS);
    await Promise.all(
      [...ids].map(async (id) => {
        const raw = await this.#ctx.engine.containers.stats(id, { oneShot: true, signal });
        const sample = raw && statsSampleOf(raw);
        if (!sample) return;
        this.#samples.set(id, [...(this.#samples.get(id) ?? []), sample].slice(-KEEP));
      }),
    );
    await writeStatsSamples(this.#ctx.layout, this.#ctx.config.parentName, Object.fromEntries(this.#samples));
    this.#written = true;
  }
}
