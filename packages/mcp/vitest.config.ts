import { defineConfig } from "vitest/config";

// Own config so `vitest run` here does not pick up the root's multi-project config.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
  },
});
