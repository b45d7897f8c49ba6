/**
 * An append-only list of events that any number of async iterators read from the start:
 * a consumer that starts iterating late still sees every event, and iteration ends when
 * the producer calls end().
 */
export class EventLog<T> implements AsyncIterable<T> {
  readonly #events: T[] = [];
  #ended = false;
  #wake: (() => void)[] = [];

  push(event: T): void {
    if (this.#ended) return;
    this.#events.push(event);
    this.#notify();
  }

  end(): void {
    this.#ended = true;
    this.#notify();
  }

  /** Everything pushed so far. */
  get events(): readonly T[] {
    return this.#events;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = [];
    for (const w of wake) w();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let i = 0;
    for (;;) {
      while (i < this.#events.length) yield this.#events[i++] as T;
      if (this.#ended) return;
      await new Promise<void>((resolve) => this.#wake.push(resolve));
    }
  }
}
