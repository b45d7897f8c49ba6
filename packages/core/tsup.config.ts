import { defineConfig } from "tsup";

export default defineConfig({
  // version is its own entry (`@hal9000/core/version`): `hal9000 --version` reads it
  // without loading dockerode.
  entry: { index: "src/index.ts", version: "src/vocabulary/version.ts" },
  format: ["esm"],
  target: "node20",
  dts: true,
  // Published as readable, unminified ESM: no source maps to ship.
  sourcemap: false,
  clean: true,
});
