import { describe, expect, it } from "vitest";
import {
  CONFIG_KEYS,
  ConfigError,
  checkConfig,
  defaultConfig,
  defaultConfigText,
  parseConfig,
} from "../src/index.js";

const FILE = "/h/config/hal9000.conf";

function configError(text: string): ConfigError {
  try {
    parseConfig(text, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("reads every key, with comments, blank lines, quotes and whitespace", () => {
    const text = [
      "# hal9000",
      "",
      "WORKER_IMAGE = registry.local:5000/team/worker:1.2",
      "  WORKER_REMOVE_ON_EXIT=no  ",
      "WORKER_MAX_COUNT=25",
      `PARENT_IMAGE='hal9000/parent@sha256:${"a".repeat(64)}'`,
      'PARENT_NAME="my-parent"',
      "SESSIONS_DIR=state/sessions",
      "LOGS_DIR=/var/log/hal9000",
      "WORKERS_DIR=homes # per-worker Claude homes",
      "LOG_LEVEL=DEBUG",
      "LOG_RETENTION_DAYS=0",
      "WORKER_MEMORY=1.5GiB",
      "WORKER_CPUS=0.5",
      "WORKER_PIDS_LIMIT=1024\r",
    ].join("\n");
    expect(parseConfig(text, FILE)).toEqual({
      workerImage: "registry.local:5000/team/worker:1.2",
      workerRemoveOnExit: false,
      workerMaxCount: 25,
      parentImage: `hal9000/parent@sha256:${"a".repeat(64)}`,
      parentName: "my-parent",
      sessionsDir: "state/sessions",
      logsDir: "/var/log/hal9000",
      workersDir: "homes",
      logLevel: "debug",
      logRetentionDays: 0,
      workerMemory: "1.5GiB",
      workerCpus: 0.5,
      workerPidsLimit: 1024,
    });
  });

  it.each([
    ["true", true],
    ["yes", true],
    ["1", true],
    ["TRUE", true],
    ["false", false],
    ["No", false],
    ["0", false],
  ])("accepts boolean %s", (raw, value) => {
    expect(parseConfig(`WORKER_REMOVE_ON_EXIT=${raw}`, FILE)).toEqual({ workerRemoveOnExit: value });
  });

  it("returns nothing for an empty or comment-only file", () => {
    expect(parseConfig("", FILE)).toEqual({});
    expect(parseConfig("# only\n\n   # comments\n", FILE)).toEqual({});
  });

  it.each([
    // [description, text, line, message fragment, hint fragment]
    ["a line without =", "# ok\nWORKER_IMAGE hal9000/worker", 2, "expected KEY=value", "KEY=value"],
    ["an unknown key", "\n\nWORKER_IMAGES=x", 3, 'unknown key "WORKER_IMAGES"', "did you mean WORKER_IMAGE?"],
    [
      "a lowercase key",
      "worker_max_count=3",
      1,
      'unknown key "worker_max_count"',
      "did you mean WORKER_MAX_COUNT?",
    ],
    ["a missing key", "=3", 1, 'missing key before "="', "known keys: WORKER_IMAGE"],
    [
      "a duplicate key",
      "LOG_LEVEL=info\n#\nLOG_LEVEL=debug",
      3,
      "LOG_LEVEL is set twice (lines 1 and 3)",
      "delete the other",
    ],
    ["an empty value", "WORKER_IMAGE=", 1, "WORKER_IMAGE has no value", "default (hal9000/worker:latest)"],
    ["an unterminated quote", 'PARENT_NAME="abc', 1, 'unterminated " quote', 'PARENT_NAME="value"'],
    [
      "text after a quote",
      "PARENT_NAME='abc' def",
      1,
      "unexpected text after the closing quote",
      "PARENT_NAME=",
    ],
    [
      "a bad image",
      "WORKER_IMAGE=Hal9000/Worker:latest",
      1,
      "not a valid Docker image reference",
      "lowercase",
    ],
    [
      "an image with spaces",
      "PARENT_IMAGE=hal9000/parent latest",
      1,
      "not a valid Docker image reference",
      "hal9000/worker:latest",
    ],
    [
      "a bad boolean",
      "WORKER_REMOVE_ON_EXIT=maybe",
      1,
      '"maybe" is not a boolean',
      "true/false, yes/no, 1/0",
    ],
    ["a non-number count", "WORKER_MAX_COUNT=ten", 1, '"ten" is not a whole number', "from 1 to 1000"],
    ["a fractional count", "WORKER_MAX_COUNT=2.5", 1, '"2.5" is not a whole number', "from 1 to 1000"],
    ["a negative count", "WORKER_MAX_COUNT=-1", 1, "-1 is out of range", "from 1 to 1000"],
    ["a zero count", "WORKER_MAX_COUNT=0", 1, "0 is out of range", "from 1 to 1000"],
    ["an absurd count", "WORKER_MAX_COUNT=1000000", 1, "1000000 is out of range", "from 1 to 1000"],
    [
      "a bad container name",
      "PARENT_NAME=-parent",
      1,
      '"-parent" is not a valid container name',
      "[a-zA-Z0-9_.-]",
    ],
    ["a container name with a slash", "PARENT_NAME=a/b", 1, "not a valid container name", "hal9000-parent"],
    ["an escaping dir", "SESSIONS_DIR=../elsewhere", 1, "leaves HAL9000_HOME", "without '..'"],
    ["home itself as a dir", "LOGS_DIR=.", 1, "names HAL9000_HOME itself", "sub-directory"],
    ["root as a dir", "WORKERS_DIR=/", 1, "names the root directory", "absolute path"],
    ["a bad log level", "LOG_LEVEL=verbose", 1, '"verbose" is not a log level', "error, warn, info, debug"],
    ["a negative retention", "LOG_RETENTION_DAYS=-3", 1, "-3 is out of range", "from 0 to 3650"],
    ["an absurd retention", "LOG_RETENTION_DAYS=99999", 1, "99999 is out of range", "from 0 to 3650"],
    ["a bad docker size", "WORKER_MEMORY=4x", 1, '"4x" is not a docker-style size', '"4g"'],
    ["a size unit without number", "WORKER_MEMORY=g", 1, "not a docker-style size", '"512m"'],
    ["a tiny memory", "WORKER_MEMORY=1m", 1, "1m is out of range", '"6m" to "16t"'],
    ["an absurd memory", "WORKER_MEMORY=100p", 1, "100p is out of range", '"6m" to "16t"'],
    ["non-number cpus", "WORKER_CPUS=two", 1, '"two" is not a number', "greater than 0"],
    ["zero cpus", "WORKER_CPUS=0", 1, "0 is out of range", "greater than 0"],
    ["absurd cpus", "WORKER_CPUS=5000", 1, "5000 is out of range", "at most 1024"],
    ["a negative pids limit", "WORKER_PIDS_LIMIT=-1", 1, "-1 is out of range", "from 32 to 4194304"],
    ["a tiny pids limit", "WORKER_PIDS_LIMIT=4", 1, "4 is out of range", "from 32 to 4194304"],
    ["a NUL byte", "LOG_LEVEL=info\nWORKER_\0IMAGE=x", 2, "binary data", "UTF-8 text"],
    ["invalid UTF-8", "# fine\n\nLOG_LEVEL=inf\ufffd", 3, "binary data", "hal9000 volumes init"],
  ])("rejects %s with its line number", (_what, text, line, message, hint) => {
    const err = configError(text);
    expect(err.code).toBe("INVALID_CONFIG");
    expect(err.file).toBe(FILE);
    expect(err.line).toBe(line);
    expect(err.message).toContain(`${FILE}:${line}: `);
    expect(err.message).toContain(message);
    expect(err.hint).toContain(hint);
  });

  it("names the key of a bad value", () => {
    expect(configError("\nWORKER_CPUS=lots").key).toBe("WORKER_CPUS");
  });

  it("rejects a file over 64 KiB, naming the line where the limit is crossed", () => {
    const line = `# ${"x".repeat(97)}\n`; // 100 bytes
    const err = configError(line.repeat(700));
    expect(err.message).toContain("larger than 64 KiB");
    expect(err.line).toBe(656); // byte 65536 falls in line 656
    expect(err.file).toBe(FILE);
  });

  it("checkConfig reports every problem in line order", () => {
    const { values, errors } = checkConfig("LOG_LEVEL=debug\nFOO=1\nWORKER_CPUS=x\nWORKER_MAX_COUNT=3", FILE);
    expect(errors.map((e) => e.line)).toEqual([2, 3]);
    expect(values).toEqual({ logLevel: "debug", workerMaxCount: 3 });
  });
});

describe("defaultConfigText", () => {
  it("lists every key with its default, all commented out", () => {
    const text = defaultConfigText();
    expect(parseConfig(text, FILE)).toEqual({});
    const defaults = defaultConfig() as unknown as Record<string, unknown>;
    for (const key of CONFIG_KEYS) {
      expect(text).toContain(`# ${key.name}=${String(defaults[key.prop])}\n`);
    }
  });

  it("uncommented, sets exactly the defaults", () => {
    const uncommented = defaultConfigText().replace(/^# ([A-Z_]+=)/gm, "$1");
    expect(parseConfig(uncommented, FILE)).toEqual(defaultConfig());
  });
});
