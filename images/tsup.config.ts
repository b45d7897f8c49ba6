import { defineConfig } from "tsup";

export default defineConfig({
  // The image specs (images.ts) are also their own entry, `@hal9000/images/specs`: the CLI
  // builds its parser from them without loading dockerode.
  entry: { index: "src/index.ts", specs: "src/images.ts" },
  format: ["esm"],
  target: "node20",
  dts: true,
  // Published as readable, unminified ESM: no source maps to ship.
  sourcemap: false,
  clean: true,
});
