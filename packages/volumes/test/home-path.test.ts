import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { blockingFile, pseudoFilesystemOf } from "../src/home-path.js";
import { ConfigError, HomeError, loadConfig, parseConfig, resolveHome } from "../src/index.js";
import { tempDir } from "./temp-dir.js";

describe("pseudoFilesystemOf", () => {
  it("finds /proc and /sys and what lies under them, nothing else", () => {
    expect(pseudoFilesystemOf("/proc")).toBe("/proc");
    expect(pseudoFilesystemOf("/proc/hal9000")).toBe("/proc");
    expect(pseudoFilesystemOf("/sys/fs/x")).toBe("/sys");
    expect(pseudoFilesystemOf("/processes/h")).toBeUndefined();
    expect(pseudoFilesystemOf("/system")).toBeUndefined();
    expect(pseudoFilesystemOf("/home/u/.hal9000")).toBeUndefined();
  });
});

describe("blockingFile", () => {
  it("names the nearest existing ancestor that is a file", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "f"), "x");
    expect(await blockingFile(join(dir, "f", "home", "config", "hal9000.conf"))).toBe(join(dir, "f"));
    expect(await blockingFile(join(dir, "f"))).toBe(join(dir, "f"));
  });

  it("is undefined when the path or its nearest existing ancestor is a directory", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, "d"));
    expect(await blockingFile(join(dir, "d", "missing", "x"))).toBeUndefined();
    expect(await blockingFile(join(dir, "d"))).toBeUndefined();
  });
});

describe("a HAL9000_HOME nothing can be stored in", () => {
  it("on /proc or /sys: resolveHome throws HomeError naming it, where it came from and the fix", () => {
    const err = (() => {
      try {
        resolveHome({ env: { HAL9000_HOME: "/proc/hal9000" } });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(HomeError);
    expect((err as HomeError).message).toBe(
      "HAL9000_HOME /proc/hal9000 is on /proc, a kernel pseudo-filesystem where no files can be stored",
    );
    expect((err as HomeError).hint).toContain("set HAL9000_HOME (or --home) to a directory on disk");
    expect(() => resolveHome({ flag: "/sys/x", env: {} })).toThrow(/^--home \/sys\/x is on \/sys/);
  });

  it("under a file: loadConfig throws ConfigError naming the file in the way", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "afile"), "x");
    const home = join(dir, "afile", "home");
    const err = await loadConfig({ home, env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(
      `${home}/config/hal9000.conf: cannot read the config file: ${dir}/afile is a file, not a directory`,
    );
    expect((err as ConfigError).hint).toContain(`move ${dir}/afile aside`);
  });

  it("SESSIONS_DIR, LOGS_DIR or WORKERS_DIR on /proc or /sys is refused with its line", () => {
    expect(() => parseConfig("LOGS_DIR=/proc/logs\n", "/h/hal9000.conf")).toThrow(
      '/h/hal9000.conf:1: LOGS_DIR: "/proc/logs" is on /proc, a kernel pseudo-filesystem where no files can be stored',
    );
    expect(() => parseConfig("\nWORKERS_DIR=/sys/../sys/w\n", "/h/hal9000.conf")).toThrow(
      /hal9000\.conf:2: WORKERS_DIR: .* is on \/sys/,
    );
    expect(parseConfig("SESSIONS_DIR=/process/s\n", "/h/hal9000.conf")).toEqual({
      sessionsDir: "/process/s",
    });
  });
});
