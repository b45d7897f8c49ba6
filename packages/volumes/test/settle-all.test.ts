import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { settleAll } from "../src/settle-all.js";

describe("settleAll: writes at once, a failure only once all have settled", () => {
  it("gives every value, in order", async () => {
    expect(await settleAll([Promise.resolve(1), "two", sleep(5).then(() => 3)])).toEqual([1, "two", 3]);
  });

  it("rejects with the first failure in order, but not before the slower work has finished", async () => {
    const done: string[] = [];
    const slow = sleep(30).then(() => {
      done.push("slow write");
    });
    const failing = Promise.reject(new Error("first"));
    const later = sleep(10).then(() => {
      throw new Error("second");
    });
    await expect(settleAll([slow, failing, later])).rejects.toThrow("first");
    // A cleanup after the rejection can no longer race the slow write.
    expect(done).toEqual(["slow write"]);
  });
});
