import { defineConfig } from "tsup";

export default defineConfig([
  {
    // The library and the `hal9000` bin, for npm: dependencies stay external.
    entry: ["src/index.ts", "src/bin.ts"],
    format: ["esm"],
    target: "node20",
    dts: { entry: "src/index.ts" },
    sourcemap: true,
    clean: true,
  },
  {
    // The same CLI as one self-contained file for the parent image, whose runtime is
    // Debian bookworm's Node 18: every dependency bundled, nothing to install there.
    entry: { hal9000: "src/bin.ts" },
    outDir: "dist/bundle",
    format: ["cjs"],
    target: "node18",
    platform: "node",
    noExternal: [/.*/],
    minify: false,
    sourcemap: false,
    clean: true,
    outExtension: () => ({ js: ".cjs" }),
  },
]);
