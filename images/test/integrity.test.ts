import { createHash } from "node:crypto";
import { BuildFailedError, InvalidInputError } from "@hal9000/core";
import { describe, expect, it } from "vitest";
import { integrityHasher, parseIntegrity, verifyIntegrity } from "../src/integrity.js";

const sri = (algorithm: string, data: string) =>
  `${algorithm}-${createHash(algorithm).update(data).digest("base64")}`;

describe("parseIntegrity", () => {
  it("reads npm's sha512 SRI", () => {
    const value = sri("sha512", "hello");
    expect(parseIntegrity(value, "pkg")).toEqual({ algorithm: "sha512", digest: value.slice(7) });
  });

  it("picks the strongest of several hashes, whatever their order", () => {
    const value = `${sri("sha256", "x")} ${sri("sha512", "x")} ${sri("sha1", "x")}`;
    expect(parseIntegrity(value, "pkg").algorithm).toBe("sha512");
  });

  it.each([undefined, "", "sha1-qvTGHdzF6KLavt4PO0gs2a6pQ00=", "md5-abc", "not an sri"])(
    "refuses %j with what was wrong and what to do",
    (value) => {
      const err = (() => {
        try {
          parseIntegrity(value, "@a/b@1.0.0");
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).message).toContain("@a/b@1.0.0 has no usable integrity hash");
      expect((err as InvalidInputError).hint).toMatch(/sha512/);
    },
  );
});

describe("verifyIntegrity", () => {
  it("accepts the bytes the hash was made from and returns their SRI", () => {
    const expected = parseIntegrity(sri("sha512", "payload"), "pkg");
    const hash = integrityHasher(expected).update("pay").update("load");
    expect(verifyIntegrity(expected, hash, "pkg")).toBe(sri("sha512", "payload"));
  });

  it("rejects other bytes, naming both hashes", () => {
    const expected = parseIntegrity(sri("sha512", "payload"), "pkg");
    const hash = integrityHasher(expected).update("tampered");
    expect(() => verifyIntegrity(expected, hash, "@a/b@1.0.0")).toThrowError(BuildFailedError);
    try {
      verifyIntegrity(expected, integrityHasher(expected).update("tampered"), "@a/b@1.0.0");
    } catch (e) {
      const err = e as BuildFailedError;
      expect(err.message).toContain("integrity check failed for @a/b@1.0.0");
      expect(err.message).toContain(sri("sha512", "payload"));
      expect(err.message).toContain(sri("sha512", "tampered"));
      expect(err.hint).toMatch(/nothing was cached/);
    }
  });
});
