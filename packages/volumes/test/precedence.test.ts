import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, defaultConfig, loadConfig, resolveConfig } from "../src/index.js";
import { tempDir } from "./temp-dir.js";

describe("resolveConfig", () => {
  it("uses defaults when nothing is set", () => {
    const { config, sources } = resolveConfig({});
    expect(config).toEqual(defaultConfig());
    expect(config.workerImage).toBe("hal9000/worker:latest");
    expect(config.parentName).toBe("hal9000-parent");
    expect(Object.values(sources).every((s) => s === "default")).toBe(true);
  });

  it("flag > env > file > default, reporting each value's source", () => {
    const { config, sources } = resolveConfig({
      flags: { workerImage: "flag/image:1" },
      env: {
        HAL9000_WORKER_IMAGE: "env/image:1",
        HAL9000_WORKER_MAX_COUNT: "4",
        HAL9000_HOME: "/not/a/config/key",
        HAL9000_LOG_LEVEL: "",
      },
      file: { workerImage: "file/image:1", workerMaxCount: 3, logLevel: "warn", workerCpus: 1.5 },
    });
    expect(config.workerImage).toBe("flag/image:1");
    expect(sources.workerImage).toBe("flag");
    expect(config.workerMaxCount).toBe(4);
    expect(sources.workerMaxCount).toBe("env");
    expect(config.logLevel).toBe("warn"); // an empty env variable counts as unset
    expect(sources.logLevel).toBe("file");
    expect(config.workerCpus).toBe(1.5);
    expect(sources.workerCpus).toBe("file");
    expect(config.workerMemory).toBe("4g");
    expect(sources.workerMemory).toBe("default");
  });

  it("parses env values of every type", () => {
    const { config } = resolveConfig({
      env: {
        HAL9000_WORKER_REMOVE_ON_EXIT: "no",
        HAL9000_WORKER_CPUS: "0.25",
        HAL9000_WORKER_PIDS_LIMIT: "64",
        HAL9000_PARENT_NAME: "p2",
        HAL9000_WORKER_MEMORY: "512m",
      },
    });
    expect(config).toMatchObject({
      workerRemoveOnExit: false,
      workerCpus: 0.25,
      workerPidsLimit: 64,
      parentName: "p2",
      workerMemory: "512m",
    });
  });

  it("a bad env value is a ConfigError naming the variable", () => {
    const run = () => resolveConfig({ env: { HAL9000_WORKER_MAX_COUNT: "-2" } });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/environment variable HAL9000_WORKER_MAX_COUNT: -2 is out of range/);
    try {
      run();
    } catch (err) {
      expect((err as ConfigError).key).toBe("WORKER_MAX_COUNT");
      expect((err as ConfigError).hint).toContain("from 1 to 1000");
    }
  });

  it("a flag overrides a bad env value, and a bad flag is a ConfigError naming the flag", () => {
    expect(
      resolveConfig({ flags: { workerMaxCount: 2 }, env: { HAL9000_WORKER_MAX_COUNT: "x" } }).config
        .workerMaxCount,
    ).toBe(2);
    expect(() => resolveConfig({ flags: { parentName: "bad name" } })).toThrow(/--parent-name: "bad name"/);
    expect(() => resolveConfig({ flags: { workerCpus: Number.NaN } })).toThrow(ConfigError);
  });
});

describe("loadConfig", () => {
  it("reads HAL9000_HOME/config/hal9000.conf under env and flags", async () => {
    const home = await tempDir();
    await mkdir(join(home, "config"));
    await writeFile(
      join(home, "config", "hal9000.conf"),
      "WORKER_MAX_COUNT=3\nLOG_LEVEL=debug\nWORKER_CPUS=1\n",
    );
    const loaded = await loadConfig({
      home,
      env: { HAL9000_LOG_LEVEL: "error" },
      flags: { workerCpus: 4 },
    });
    expect(loaded.file).toBe(join(home, "config", "hal9000.conf"));
    expect(loaded.fileExists).toBe(true);
    expect(loaded.config).toMatchObject({ workerMaxCount: 3, logLevel: "error", workerCpus: 4 });
    expect(loaded.sources).toMatchObject({ workerMaxCount: "file", logLevel: "env", workerCpus: "flag" });
  });

  it("works without a config file", async () => {
    const home = await tempDir();
    const loaded = await loadConfig({ home, env: {} });
    expect(loaded.fileExists).toBe(false);
    expect(loaded.config).toEqual(defaultConfig());
  });

  it("reports a bad file with its path and line", async () => {
    const home = await tempDir();
    const file = join(home, "config", "hal9000.conf");
    await mkdir(join(home, "config"));
    await writeFile(file, "# mine\nWORKER_MAX_COUNT=lots\n");
    await expect(loadConfig({ home, env: {} })).rejects.toMatchObject({
      code: "INVALID_CONFIG",
      file,
      line: 2,
      message: expect.stringContaining(`${file}:2: WORKER_MAX_COUNT`),
    });
  });

  it("rejects invalid UTF-8 bytes with their line", async () => {
    const home = await tempDir();
    await mkdir(join(home, "config"));
    await writeFile(
      join(home, "config", "hal9000.conf"),
      Buffer.concat([
        Buffer.from("LOG_LEVEL=info\nPARENT_NAME=p"),
        Buffer.from([0xc3, 0x28]),
        Buffer.from("\n"),
      ]),
    );
    await expect(loadConfig({ home, env: {} })).rejects.toMatchObject({
      line: 2,
      message: expect.stringContaining("binary data"),
    });
  });

  it("rejects a file over 64 KiB without reading all of it", async () => {
    const home = await tempDir();
    await mkdir(join(home, "config"));
    await writeFile(join(home, "config", "hal9000.conf"), Buffer.alloc(10 * 1024 * 1024, 0x0a));
    await expect(loadConfig({ home, env: {} })).rejects.toMatchObject({
      code: "INVALID_CONFIG",
      line: 65537,
      message: expect.stringContaining("larger than 64 KiB"),
    });
  });

  it("explains a directory where the config file should be", async () => {
    const home = await tempDir();
    await mkdir(join(home, "config", "hal9000.conf"), { recursive: true });
    await expect(loadConfig({ home, env: {} })).rejects.toMatchObject({
      code: "INVALID_CONFIG",
      message: expect.stringContaining("it is a directory"),
      hint: expect.stringContaining("move the directory aside"),
    });
  });
});
