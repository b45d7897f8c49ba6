import { describe, expect, it } from "vitest";
import { validateSpawnOptions } from "../../src/spawn/options.js";
import { InvalidInputError } from "../../src/vocabulary/errors.js";

const refusal = (image: unknown) => {
  try {
    validateSpawnOptions({ image } as { image: string });
  } catch (err) {
    return err as InvalidInputError;
  }
  return undefined;
};

describe("the image a spawn asks for", () => {
  it("must be a Docker image reference, as WORKER_IMAGE in hal9000.conf", () => {
    for (const image of ["../../etc/passwd", "Bad Image!", "Worker:latest", "a b", "img:", "/abs", "x;id"]) {
      const err = refusal(image);
      expect(err, image).toBeInstanceOf(InvalidInputError);
      expect(err?.message).toBe(`invalid worker image: "${image}" is not a valid Docker image reference`);
      expect(err?.hint).toContain('use a name like "hal9000/worker:latest"');
    }
  });

  it("is refused when empty or not a string", () => {
    expect(refusal("  ")?.message).toBe("the worker image is empty");
    expect(refusal(42)?.message).toBe("the worker image must be a string");
  });

  it("may name a registry, a tag or a digest", () => {
    for (const image of [
      "hal9000/worker:latest",
      "nope/none:missing",
      "localhost:5000/team/worker:1.2",
      `debian@sha256:${"a".repeat(64)}`,
    ]) {
      expect(refusal(image), image).toBeUndefined();
    }
  });
});
