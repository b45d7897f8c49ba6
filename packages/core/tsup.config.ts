import { defineConfig } from "tsup";

export default defineConfig({
  // version is its own entry (`@hal9000/core/version`): `hal9000 --version` reads it
  // without loading dockerode.
  entry: { index: "src/index.ts", version: "src/vocabulary/version.ts" },
  format: ["esm"],
  target: "node20",
  dts: true,
  sourcemap: true,
  clean: true,
});
