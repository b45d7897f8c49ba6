import { describe, expect, it } from "vitest";
import { closest, editDistance } from "../src/did-you-mean.js";
import { ConfigError, Hal9000ErrorBase, isHal9000Error, VolumesError } from "../src/errors.js";
import {
  CONTAINER_NAME_RE,
  DEFAULT_PARENT_IMAGE,
  DEFAULT_WORKER_IMAGE,
  DEFAULT_WORKER_MINIMAL_IMAGE,
  isImageReference,
} from "../src/references.js";

describe("isHal9000Error", () => {
  it("recognises the packages' errors by their brand, with code, hint and cause", () => {
    const cause = new Error("EACCES");
    const err = new VolumesError("INVALID_HOME", "cannot write the home", { hint: "fix its owner", cause });
    expect(isHal9000Error(err)).toBe(true);
    expect(err).toBeInstanceOf(Hal9000ErrorBase);
    expect({ code: err.code, hint: err.hint, cause: err.cause, name: err.name }).toEqual({
      code: "INVALID_HOME",
      hint: "fix its owner",
      cause,
      name: "VolumesError",
    });
    expect(isHal9000Error(new ConfigError("bad value", { key: "WORKER_CPUS" }))).toBe(true);
  });

  it("recognises one from another copy of the packages (same brand, other class), not a look-alike", () => {
    const otherCopy = Object.assign(new Error("x"), { code: "NOT_FOUND", hint: "y" });
    expect(isHal9000Error(otherCopy)).toBe(false);
    Object.defineProperty(otherCopy, Symbol.for("hal9000.error"), { value: true });
    expect(isHal9000Error(otherCopy)).toBe(true);
    expect(isHal9000Error(undefined)).toBe(false);
    expect(isHal9000Error("NOT_FOUND")).toBe(false);
  });
});

describe("did you mean", () => {
  it("measures edits and picks the nearest candidate within reach", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(closest("lst", ["list", "logs", "stop"])).toBe("list");
    expect(closest("WORKER_IMAGES", ["WORKER_IMAGE", "PARENT_IMAGE"], 2)).toBe("WORKER_IMAGE");
    expect(closest("zzzzzz", ["list", "logs"])).toBeUndefined();
  });
});

describe("references", () => {
  it("container names and image references follow Docker's grammar", () => {
    expect(CONTAINER_NAME_RE.test("hal9000-worker-1")).toBe(true);
    expect(CONTAINER_NAME_RE.test("-x")).toBe(false);
    for (const ref of [DEFAULT_PARENT_IMAGE, DEFAULT_WORKER_IMAGE, DEFAULT_WORKER_MINIMAL_IMAGE]) {
      expect(isImageReference(ref, { digest: false })).toBe(true);
    }
    expect(isImageReference("registry.local:5000/hal9000/worker:1.0")).toBe(true);
    const digest = `hal9000/worker@sha256:${"a".repeat(64)}`;
    expect(isImageReference(digest)).toBe(true);
    expect(isImageReference(digest, { digest: false })).toBe(false);
    expect(isImageReference("Hal9000/Worker")).toBe(false);
    expect(isImageReference(`a/${"b".repeat(300)}`)).toBe(false);
  });
});
