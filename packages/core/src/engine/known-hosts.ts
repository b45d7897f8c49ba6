import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

/**
 * The base64 host keys an OpenSSH known_hosts file accepts for host:port (plain, wildcard
 * and hashed `|1|salt|hash` entries; `@revoked` keys are never accepted, `@cert-authority`
 * lines are skipped). Empty when the file or the host is missing.
 */
export function knownHostKeys(file: string, host: string, port: number): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return hostKeysIn(text, host, port);
}

export function hostKeysIn(text: string, host: string, port: number): string[] {
  const name = port === 22 ? host : `[${host}]:${port}`;
  const keys: string[] = [];
  const revoked: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0]?.startsWith("@") ? fields.shift() : undefined;
    const [patterns, , key] = fields;
    if (!patterns || !key || marker === "@cert-authority") continue;
    if (!matchesHost(patterns, name)) continue;
    (marker === "@revoked" ? revoked : keys).push(key);
  }
  return keys.filter((k) => !revoked.includes(k));
}

function matchesHost(patterns: string, name: string): boolean {
  if (patterns.startsWith("|1|")) {
    const [, , salt = "", hash = ""] = patterns.split("|");
    return createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64") === hash;
  }
  let matched = false;
  for (const pattern of patterns.split(",")) {
    const negated = pattern.startsWith("!");
    if (!glob(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function glob(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`, "i").test(name);
}
