import { describe, expect, it } from "vitest";
import { PRUNE_INTERVAL_MS, pruneDue } from "../../src/spawn/setup.js";

describe("pruneDue: one prune of old credential copies per interval and home, per process", () => {
  it("the first spawn prunes, the next ones within the interval do not, the first after it does", () => {
    const home = `/tmp/prune-due-${Math.random()}`;
    const t = 1_000_000;
    expect(pruneDue(home, t)).toBe(true);
    expect(pruneDue(home, t + 1)).toBe(false);
    expect(pruneDue(home, t + PRUNE_INTERVAL_MS - 1)).toBe(false);
    expect(pruneDue(home, t + PRUNE_INTERVAL_MS)).toBe(true);
    expect(pruneDue(home, t + PRUNE_INTERVAL_MS + 1)).toBe(false);
  });

  it("keeps homes apart", () => {
    const a = `/tmp/prune-due-a-${Math.random()}`;
    const b = `/tmp/prune-due-b-${Math.random()}`;
    expect(pruneDue(a, 5)).toBe(true);
    expect(pruneDue(b, 6)).toBe(true);
    expect(pruneDue(a, 7)).toBe(false);
  });
});
