import { defineConfig } from "vitest/config";
import { sourceAliases } from "../../vitest.sources.js";

// Own config so `vitest run` here does not pick up the root's multi-project config.
// Sibling packages resolve to their sources (see vitest.sources.ts).
export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    include: ["test/**/*.test.ts"],
  },
});
