import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, mkdir, readdir, readFile, stat, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type HomeLayout, homeLayout, initHome, lockFilePath, VolumesError, withLock } from "../src/index.js";
import { tempDir } from "./temp-dir.js";

const DIST = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const CLIENT = fileURLToPath(new URL("./fixtures/lock-client.mjs", import.meta.url));

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

async function freshHome(): Promise<HomeLayout> {
  const layout = homeLayout(join(await tempDir(), "hal"));
  await initHome(layout);
  return layout;
}

/** Read-modify-write with a pause in the middle: loses updates unless the lock excludes. */
async function increment(file: string): Promise<void> {
  const n = Number(await readFile(file, "utf8"));
  await sleep(2);
  await writeFile(file, String(n + 1));
}

function client(args: string[]): ChildProcess {
  if (!existsSync(DIST))
    throw new Error(`${DIST} is missing: run pnpm --filter @hal9000/volumes build first`);
  const child = spawn(process.execPath, [CLIENT, pathToFileURL(DIST).href, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return child;
}

function exited(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += String(d);
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

async function failure(p: Promise<unknown>): Promise<VolumesError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VolumesError);
  return err as VolumesError;
}

/** A lock file as another holder would have left it. */
async function plantLock(layout: HomeLayout, name: string, holder: object | string, ageMs = 0) {
  const path = lockFilePath(layout, name);
  await mkdir(join(layout.home, "locks"), { recursive: true });
  await writeFile(path, typeof holder === "string" ? holder : JSON.stringify(holder));
  const when = new Date(Date.now() - ageMs);
  await utimes(path, when, when);
  return path;
}

describe("withLock", () => {
  it("serializes 20 concurrent read-modify-writes in one process", async () => {
    const layout = await freshHome();
    const counter = join(layout.home, "counter");
    await writeFile(counter, "0");
    let inside = 0;
    let maxInside = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        withLock(layout, "counter", async () => {
          maxInside = Math.max(maxInside, ++inside);
          await increment(counter);
          inside--;
          return i;
        }),
      ),
    );
    expect(await readFile(counter, "utf8")).toBe("20");
    expect(maxInside).toBe(1);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await readdir(join(layout.home, "locks"))).toEqual([]);
  });

  it("lets waiters of one process in in the order they asked, each once the one before is done", async () => {
    const layout = await freshHome();
    const entered: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        withLock(layout, "spawn", async () => {
          entered.push(i);
          await sleep(i % 2 === 0 ? 5 : 0);
        }),
      ),
    );
    expect(entered).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it("serializes 4 processes incrementing 5 times each", async () => {
    const layout = await freshHome();
    const counter = join(layout.home, "counter");
    await writeFile(counter, "0");
    const runs = Array.from({ length: 4 }, () => exited(client(["increment", layout.home, counter, "5"])));
    for (const r of await Promise.all(runs)) expect(r).toEqual({ code: 0, stderr: "" });
    expect(await readFile(counter, "utf8")).toBe("20");
    expect(await readdir(join(layout.home, "locks"))).toEqual([]);
  }, 60_000);

  it("releases the lock when fn throws, and passes the error on", async () => {
    const layout = await freshHome();
    const boom = new Error("boom");
    await expect(
      withLock(layout, "spawn", async () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(existsSync(lockFilePath(layout, "spawn"))).toBe(false);
    expect(await withLock(layout, "spawn", async () => "next", { timeoutMs: 1000 })).toBe("next");
  });

  it("times out on a held lock with an error naming the lock, its holder and the fix", async () => {
    const layout = await freshHome();
    const path = lockFilePath(layout, "spawn");
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let entered = () => {};
    const isHeld = new Promise<void>((r) => {
      entered = r;
    });
    const holder = withLock(layout, "spawn", async () => {
      entered();
      await held;
      return "holder done";
    });
    await isHeld;
    let ran = false;
    const err = await failure(
      withLock(
        layout,
        "spawn",
        async () => {
          ran = true;
        },
        { timeoutMs: 300 },
      ),
    );
    expect(ran).toBe(false);
    expect(err.code).toBe("LOCK_TIMEOUT");
    expect(err.message).toBe(
      `timed out after 0.3s waiting for the "spawn" lock (${path}), held by pid ${process.pid} on ${hostname()} since ${
        JSON.parse(await readFile(path, "utf8")).acquiredAt
      }`,
    );
    expect(err.hint).toContain(`rm ${path}`);
    expect(err.hint).toContain("no hal9000 is running");
    release();
    expect(await holder).toBe("holder done");
    expect(existsSync(path)).toBe(false);
  });

  it("breaks a stale lock (old mtime), whatever it holds", async () => {
    const layout = await freshHome();
    for (const content of [
      {
        pid: 1234,
        hostname: "another-host",
        pidNamespace: null,
        acquiredAt: "2020-01-01T00:00:00Z",
        token: "t",
      },
      "", // its writer crashed before writing
    ]) {
      const path = await plantLock(layout, "spawn", content, 120_000);
      expect(await withLock(layout, "spawn", async () => "got it", { timeoutMs: 2000 })).toBe("got it");
      expect(existsSync(path)).toBe(false);
    }
  });

  it("respects a fresh lock from another host, even with a pid that does not exist here", async () => {
    const layout = await freshHome();
    const holder = {
      pid: 2 ** 30,
      hostname: `not-${hostname()}`,
      pidNamespace: null,
      acquiredAt: "2025-01-01T00:00:00.000Z",
      token: "theirs",
    };
    const path = await plantLock(layout, "spawn", holder);
    const err = await failure(withLock(layout, "spawn", async () => {}, { timeoutMs: 200 }));
    expect(err.message).toContain(`held by pid ${2 ** 30} on not-${hostname()}`);
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual(holder);
  });

  it("breaks the lock of a holder on this host that was killed", async () => {
    const layout = await freshHome();
    const child = client(["hold", layout.home]);
    const done = exited(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on("data", (d) => String(d).includes("held") && resolve());
      child.on("close", (code) => reject(new Error(`holder exited early (${code})`)));
    });
    const path = lockFilePath(layout, "spawn");
    expect(JSON.parse(await readFile(path, "utf8")).pid).toBe(child.pid);
    child.kill("SIGKILL");
    await done;
    // staleMs is far away: only the dead pid lets it through.
    const got = await withLock(layout, "spawn", async () => JSON.parse(await readFile(path, "utf8")).pid, {
      timeoutMs: 10_000,
      staleMs: 600_000,
    });
    expect(got).toBe(process.pid);
  }, 30_000);

  it("keeps a long-running holder's lock fresh so it is not taken for crashed", async () => {
    const layout = await freshHome();
    let inside = 0;
    let maxInside = 0;
    const run = () =>
      withLock(
        layout,
        "slow",
        async () => {
          maxInside = Math.max(maxInside, ++inside);
          await sleep(700); // over twice staleMs
          inside--;
        },
        { staleMs: 300, timeoutMs: 10_000 },
      );
    await Promise.all([run(), run()]);
    expect(maxInside).toBe(1);
  }, 30_000);

  it("stops waiting when the signal aborts, leaving the holder's lock alone", async () => {
    const layout = await freshHome();
    const path = await plantLock(layout, "spawn", {
      pid: 7,
      hostname: "elsewhere",
      pidNamespace: null,
      acquiredAt: "2025-01-01T00:00:00.000Z",
      token: "theirs",
    });
    const reason = new Error("user pressed ctrl-c");
    await expect(
      withLock(layout, "spawn", async () => {}, { signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    const controller = new AbortController();
    const waiting = withLock(layout, "spawn", async () => {}, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(waiting).rejects.toBe(reason);
    expect(JSON.parse(await readFile(path, "utf8")).token).toBe("theirs");
  });

  it.each([["../evil"], ["a/b"], [""], [".hidden"], ["x".repeat(65)], ["nul\0"]])(
    "rejects the lock name %j and creates nothing",
    async (name) => {
      const layout = await freshHome();
      const err = await failure(withLock(layout, name, async () => {}));
      expect(err.code).toBe("INVALID_NAME");
      expect(err.hint).toContain("[A-Za-z0-9_.-]");
      expect(existsSync(join(layout.home, "locks"))).toBe(false);
      expect(existsSync(join(layout.home, "evil.lock"))).toBe(false);
    },
  );

  it("gives a locks dir made by root to the owner of HAL9000_HOME", async () => {
    const layout = await freshHome();
    const isRoot = process.getuid?.() === 0;
    if (isRoot) await chown(layout.home, 4321, 4322);
    await withLock(layout, "spawn", async () => {});
    const s = await stat(join(layout.home, "locks"));
    expect({ uid: s.uid, gid: s.gid }).toEqual(
      isRoot ? { uid: 4321, gid: 4322 } : { uid: process.getuid?.(), gid: process.getgid?.() },
    );
  });
});
