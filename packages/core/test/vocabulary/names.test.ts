import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../../src/vocabulary/errors.js";
import {
  CONTAINER_NAME_PATTERN,
  generateWorkerName,
  MAX_NAME_LENGTH,
  validateContainerName,
  WORKER_NAME_PREFIX,
} from "../../src/vocabulary/names.js";

describe("generateWorkerName", () => {
  it("draws 1000 distinct, valid hal9000-worker-<random> names", () => {
    const names = Array.from({ length: 1000 }, generateWorkerName);
    expect(new Set(names).size).toBe(1000);
    for (const name of names) {
      expect(name.startsWith(WORKER_NAME_PREFIX)).toBe(true);
      expect(name).toMatch(CONTAINER_NAME_PATTERN);
      expect(() => validateContainerName(name)).not.toThrow();
    }
  });
});

describe("validateContainerName", () => {
  it.each([
    "my-worker",
    "w1",
    "hal9000-worker-abc123",
    "A.b_c-d",
    "0starts-with-digit",
    "x".repeat(MAX_NAME_LENGTH),
  ])("accepts %j", (name) => {
    expect(validateContainerName(name)).toBe(name);
  });

  it.each([
    ["", /empty/],
    ["a", /at least 2/],
    ["-leading-dash", /start with a letter or a digit/],
    [".hidden", /start with a letter or a digit/],
    ["_under", /start with a letter or a digit/],
    ["has space", /only contain/],
    ["slash/name", /only contain/],
    ["../escape", /start with a letter or a digit/],
    ["colon:name", /only contain/],
    ["ünïcode", /start with a letter or a digit/],
    ["x".repeat(MAX_NAME_LENGTH + 1), /at most 128/],
  ])("rejects %j with a reason and a hint", (name, reason) => {
    let caught: unknown;
    try {
      validateContainerName(name);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    const err = caught as InvalidInputError;
    expect(err.code).toBe("INVALID_INPUT");
    expect(err.message).toMatch(reason);
    expect(err.hint).toMatch(/2-128 characters/);
  });
});
