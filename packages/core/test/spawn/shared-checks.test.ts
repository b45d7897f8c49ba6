import { describe, expect, it } from "vitest";
import type { CoreContext } from "../../src/context/context.js";
import { shared } from "../../src/spawn/plan.js";

/** A check that answers when told to, counting how often it was asked. */
function check() {
  const asked: Array<{ resolve: (v: string) => void; reject: (e: unknown) => void }> = [];
  const ask = () =>
    new Promise<string>((resolve, reject) => {
      asked.push({ resolve, reject });
    });
  return { asked, ask };
}

describe("shared: spawns asking the same check at once share its one round trip", () => {
  it("calls made while one is in flight get its answer; the next call after it asks again", async () => {
    const ctx = {} as CoreContext;
    const c = check();
    const twenty = Array.from({ length: 20 }, () => shared(ctx, "parent", c.ask));
    expect(c.asked).toHaveLength(1);
    c.asked[0]?.resolve("running");
    expect(await Promise.all(twenty)).toEqual(Array(20).fill("running"));
    const later = shared(ctx, "parent", c.ask);
    expect(c.asked).toHaveLength(2);
    c.asked[1]?.resolve("again");
    expect(await later).toBe("again");
  });

  it("a failure reaches every caller that shared it, and is not kept", async () => {
    const ctx = {} as CoreContext;
    const c = check();
    const both = [shared(ctx, "parent", c.ask), shared(ctx, "parent", c.ask)];
    c.asked[0]?.reject(new Error("parent not running"));
    for (const p of both) await expect(p).rejects.toThrow("parent not running");
    const next = shared(ctx, "parent", c.ask);
    expect(c.asked).toHaveLength(2);
    c.asked[1]?.resolve("running");
    expect(await next).toBe("running");
  });

  it("keeps checks of different things, and of different contexts, apart", async () => {
    const a = {} as CoreContext;
    const b = {} as CoreContext;
    const c = check();
    const calls = [shared(a, "parent", c.ask), shared(a, "image x", c.ask), shared(b, "parent", c.ask)];
    expect(c.asked).toHaveLength(3);
    for (const [i, x] of c.asked.entries()) x.resolve(String(i));
    expect(await Promise.all(calls)).toEqual(["0", "1", "2"]);
  });
});
