import { describe, expect, it } from "vitest";
import type { ContainerSummary } from "../../src/engine/engine.js";
import { assertFreeSlot, takenSlots } from "../../src/spawn/reservation.js";
import { LimitReachedError } from "../../src/vocabulary/errors.js";

const worker = (name: string, State: string) => ({ name, State }) as unknown as ContainerSummary;

describe("slots under WORKER_MAX_COUNT at a reservation", () => {
  it("counts workers that hold a slot and spawns in flight, each name once", () => {
    const view = {
      containers: [
        worker("a", "running"),
        worker("b", "created"), // a spawn in flight made it already
        worker("c", "exited"),
        worker("d", "paused"),
      ],
      inFlight: new Set(["b", "e"]), // e: reserved, its container not made yet
    };
    expect(takenSlots(view)).toBe(4);
  });

  it("refuses the reservation once every slot is taken, saying how many and the limit", () => {
    const view = { containers: [worker("a", "running")], inFlight: new Set(["b"]) };
    expect(() => assertFreeSlot(view, 3)).not.toThrow();
    let err: unknown;
    try {
      assertFreeSlot(view, 2);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LimitReachedError);
    expect((err as Error).message).toBe("2 workers are active; WORKER_MAX_COUNT is 2");
    expect((err as LimitReachedError).hint).toMatch(/hal9000 stop <name>/);
  });
});
