import { defineConfig } from "vitest/config";

// Integration suites run against the real Docker engine, one file at a time:
// they start parents and workers, and two files racing on one daemon would measure each other.
export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**", "fixtures/**"],
    globalSetup: ["./global-setup.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    env: { TESTCONTAINERS_RYUK_DISABLED: "true" },
  },
});
