import { createHash, type Hash, timingSafeEqual } from "node:crypto";
import { BuildFailedError, InvalidInputError } from "@hal9000/core";

/** Subresource Integrity algorithms we accept, strongest first. sha1 (old npm shasum) is refused. */
export type IntegrityAlgorithm = "sha512" | "sha384" | "sha256";
const ALGORITHMS: readonly IntegrityAlgorithm[] = ["sha512", "sha384", "sha256"];

export interface IntegrityHash {
  algorithm: IntegrityAlgorithm;
  /** base64 digest, as written in the SRI string. */
  digest: string;
}

/**
 * The strongest usable hash of an SRI string such as npm's `dist.integrity`
 * ("sha512-<base64>", possibly several separated by spaces).
 */
export function parseIntegrity(sri: string | undefined, what: string): IntegrityHash {
  const hashes: IntegrityHash[] = [];
  for (const token of (sri ?? "").trim().split(/\s+/)) {
    const m = /^(sha\d+)-([A-Za-z0-9+/]+={0,2})(\?.*)?$/.exec(token);
    const algorithm = m?.[1] as IntegrityAlgorithm | undefined;
    if (m?.[2] && algorithm && ALGORITHMS.includes(algorithm)) hashes.push({ algorithm, digest: m[2] });
  }
  hashes.sort((a, b) => ALGORITHMS.indexOf(a.algorithm) - ALGORITHMS.indexOf(b.algorithm));
  const best = hashes[0];
  if (!best) {
    throw new InvalidInputError(`${what} has no usable integrity hash (got ${JSON.stringify(sri ?? null)})`, {
      hint: "the registry must publish dist.integrity as sha512 (npm does); check npm_config_registry",
    });
  }
  return best;
}

export function integrityHasher(expected: IntegrityHash): Hash {
  return createHash(expected.algorithm);
}

/** Throws BuildFailedError unless `hash` (already fed every byte) matches `expected`. */
export function verifyIntegrity(expected: IntegrityHash, hash: Hash, what: string): string {
  const actual = hash.digest();
  const wanted = Buffer.from(expected.digest, "base64");
  const actualSri = `${expected.algorithm}-${actual.toString("base64")}`;
  if (actual.length !== wanted.length || !timingSafeEqual(actual, wanted)) {
    throw new BuildFailedError(
      `integrity check failed for ${what}: the registry says ${expected.algorithm}-${expected.digest}, the download is ${actualSri}`,
      {
        hint: "the download was corrupted or the registry served another file; nothing was cached. Retry, or check npm_config_registry",
      },
    );
  }
  return actualSri;
}
