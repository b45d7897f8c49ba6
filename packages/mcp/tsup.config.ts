import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  target: "node20",
  dts: true,
  // Published as readable, unminified ESM: no source maps to ship.
  sourcemap: false,
  clean: true,
});
