import { spawn } from "node:child_process";
import { readFile, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  homeLayout,
  initHome,
  readSpawnIntents,
  SPAWN_INTENT_STALE_MS,
  spawnIntentLive,
  spawnIntentPath,
  touchSpawnIntent,
  writeSpawnIntent,
} from "../src/index.js";
import { tempDir } from "./temp-dir.js";

async function freshHome() {
  const layout = homeLayout(join(await tempDir(), "hal"));
  await initHome(layout);
  return layout;
}

const intent = (name: string) => ({ name, parent: "p", homeCreated: true, calledAtMs: 5 });

/** A pid that ran here and has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid as number;
}

/** Rewrites an intent's file with other writer fields, keeping the rest. */
async function rewrite(file: string, patch: object, ageMs = 0) {
  const body = { ...JSON.parse(await readFile(file, "utf8")), ...patch };
  await writeFile(file, JSON.stringify(body));
  const when = new Date(Date.now() - ageMs);
  await utimes(file, when, when);
}

describe("spawn intents: one file per spawn, judged by its writer's liveness", () => {
  it("stamps who writes it (pid, host, pid namespace, process start) and when the spawn was called", async () => {
    const layout = await freshHome();
    const written = await writeSpawnIntent(layout, intent("w1"));
    expect(written).toMatchObject({ ...intent("w1"), pid: process.pid, hostname: hostname() });
    expect(written.processStart).toMatch(/^\d+$/);
    expect(JSON.parse(await readFile(spawnIntentPath(layout, "w1"), "utf8"))).toEqual(written);
  });

  it("a live writer's intent is live; a writer that died here is not, whatever the file's age", async () => {
    const layout = await freshHome();
    await writeSpawnIntent(layout, intent("mine"));
    await writeSpawnIntent(layout, intent("dead"));
    await rewrite(spawnIntentPath(layout, "dead"), { pid: await deadPid() });
    const live = Object.fromEntries(
      await Promise.all(
        (await readSpawnIntents(layout)).map(async (f) => [f.intent.name, await spawnIntentLive(f)]),
      ),
    );
    expect(live).toEqual({ mine: true, dead: false });
  });

  it("a reused pid is not its writer: another start time means another process", async () => {
    const layout = await freshHome();
    await writeSpawnIntent(layout, intent("w"));
    await rewrite(spawnIntentPath(layout, "w"), { processStart: "1" }); // this pid, started at boot
    const [found] = await readSpawnIntents(layout);
    expect(found && (await spawnIntentLive(found))).toBe(false);
  });

  it("a writer elsewhere (another host or pid namespace) is live while it keeps its file fresh", async () => {
    const layout = await freshHome();
    await writeSpawnIntent(layout, intent("far"));
    const file = spawnIntentPath(layout, "far");
    await rewrite(file, { hostname: `not-${hostname()}`, pid: 2 ** 30 }, SPAWN_INTENT_STALE_MS + 5_000);
    const [stale] = await readSpawnIntents(layout);
    expect(stale && (await spawnIntentLive(stale))).toBe(false);
    await touchSpawnIntent(layout, "far");
    const [fresh] = await readSpawnIntents(layout);
    expect(fresh && (await spawnIntentLive(fresh))).toBe(true);
  });

  it("reports an unreadable intent and reads the others", async () => {
    const layout = await freshHome();
    await writeSpawnIntent(layout, intent("ok"));
    await writeFile(spawnIntentPath(layout, "torn"), "{not json");
    const unreadable: (string | undefined)[] = [];
    const found = await readSpawnIntents(layout, (name) => unreadable.push(name));
    expect(found.map((f) => f.intent.name)).toEqual(["ok"]);
    expect(unreadable).toEqual(["torn"]);
  });
});
