/** docs/contracts.md lists every hal9000.conf key with its default, exactly as the code has them. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_KEYS } from "../src/index.js";

const doc = readFileSync(new URL("../../../docs/contracts.md", import.meta.url), "utf8");

describe("docs/contracts.md", () => {
  it("has the config key table of CONFIG_KEYS (names, order, defaults)", () => {
    const rows = [...doc.matchAll(/^\| `([A-Z_]+)` \| `([^`]*)` \|$/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(CONFIG_KEYS.map((k) => [k.name, String(k.default)]));
  });
});
