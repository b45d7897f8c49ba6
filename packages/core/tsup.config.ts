import { defineConfig } from "tsup";

export default defineConfig({
  // version.ts is its own entry (`@hal9000/core/version`): `hal9000 --version` reads it
  // without loading dockerode.
  entry: ["src/index.ts", "src/version.ts"],
  format: ["esm"],
  target: "node20",
  dts: true,
  sourcemap: true,
  clean: true,
});
