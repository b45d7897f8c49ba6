import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SOURCE_ALIASES } from "../../../vitest.sources.js";

const root = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));

describe("unit tests resolve sibling packages to their sources", () => {
  it.each(["packages/volumes", "packages/core", "images", "packages/cli"])(
    "every export of %s has a source alias to an existing file",
    (folder) => {
      const pkg = JSON.parse(readFileSync(root(`${folder}/package.json`), "utf8")) as {
        name: string;
        exports: Record<string, unknown>;
      };
      const names = Object.keys(pkg.exports)
        .filter((sub) => sub !== "./package.json")
        .map((sub) => (sub === "." ? pkg.name : `${pkg.name}/${sub.slice(2)}`));
      for (const name of names) {
        expect(SOURCE_ALIASES, `${name} has no alias in vitest.sources.ts`).toHaveProperty([name]);
        expect(existsSync(SOURCE_ALIASES[name] as string), `${SOURCE_ALIASES[name]} is missing`).toBe(true);
      }
    },
  );

  it("@hal9000/volumes here is the very module of volumes/src (one instance), not dist/", async () => {
    const fromAlias = await import("@hal9000/volumes");
    const fromSource = await import("../../volumes/src/index.js");
    expect(fromAlias.homeLayout).toBe(fromSource.homeLayout);
  });
});
