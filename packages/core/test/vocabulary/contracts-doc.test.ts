/** docs/contracts.md's label table names every hal9000.* container label the code defines, and no other. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as labels from "../../src/vocabulary/labels.js";

const doc = readFileSync(new URL("../../../../docs/contracts.md", import.meta.url), "utf8");

describe("docs/contracts.md", () => {
  it("lists the container labels of vocabulary/labels.ts", () => {
    const documented = [...doc.matchAll(/^\| `(hal9000\.[a-z-]+)` \|/gm)].map((m) => m[1]).sort();
    const defined = Object.entries(labels)
      .filter(([name, value]) => name.startsWith("LABEL_") && typeof value === "string")
      .map(([, value]) => value as string)
      .sort();
    expect(documented).toEqual(defined);
  });
});
