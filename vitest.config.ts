import { defineConfig } from "vitest/config";

// Unit tests of every package in one run (`pnpm test:unit`). Integration suites live in test/
// and have their own config, since they need a Docker engine and the images.
export default defineConfig({
  test: {
    projects: ["packages/*", "images"],
  },
});
