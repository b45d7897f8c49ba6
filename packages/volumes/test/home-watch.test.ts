import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "vitest";
import { homeLayout } from "../src/home.js";
import { watchHome } from "../src/home-watch.js";
import { tempDir } from "./temp-dir.js";

/** Resolves once `onChange` was called after `act`; generous bound: fs.watch is asynchronous. */
async function changeAfter(calls: { n: number }, act: () => Promise<void>): Promise<void> {
  const before = calls.n;
  await act();
  const until = Date.now() + 20_000;
  while (calls.n === before) {
    if (Date.now() > until) throw new Error("no change was reported within 20 s");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("watchHome", () => {
  it("reports changes of the session records, of a worker's state folder once refreshed, and of extra files", async () => {
    const layout = homeLayout(await tempDir());
    const stateDir = path.join(layout.workers, "w1", ".hal9000");
    await mkdir(layout.sessions, { recursive: true });
    await mkdir(stateDir, { recursive: true });
    const extra = path.join(layout.home, "coordinator.log");
    await writeFile(extra, "");
    const calls = { n: 0 };
    const ac = new AbortController();
    const home = watchHome(layout, { signal: ac.signal, files: [extra], onChange: () => calls.n++ });
    try {
      await changeAfter(calls, () => writeFile(path.join(layout.sessions, "w1.json"), "{}"));
      await changeAfter(calls, () => writeFile(extra, "a line\n"));
      await home.refresh();
      await changeAfter(calls, () => writeFile(path.join(stateDir, "state.json"), "{}"));
    } finally {
      home.close();
      ac.abort();
    }
  }, 30_000);

  it("starts without the folders (a fresh home) and watches what a later refresh finds", async () => {
    const layout = homeLayout(await tempDir());
    const calls = { n: 0 };
    const ac = new AbortController();
    const home = watchHome(layout, {
      signal: ac.signal,
      files: [path.join(layout.home, "nothing")],
      onChange: () => calls.n++,
    });
    try {
      await home.refresh(); // no workers/ yet: nothing to watch, no error
      const stateDir = path.join(layout.workers, "w2", ".hal9000");
      await mkdir(stateDir, { recursive: true });
      await home.refresh();
      await changeAfter(calls, () => writeFile(path.join(stateDir, "events.jsonl"), "{}\n"));
    } finally {
      home.close();
      ac.abort();
    }
  }, 30_000);
});
