import { defineConfig, type Options } from "tsup";
import { lazyBuiltins, leaveOut } from "./build/bundle-plugins";

// One CommonJS file with every dependency inside, but what build/bundle-plugins.ts leaves out.
const oneFile = (target: "parent" | "npm"): Options => ({
  format: ["cjs"],
  platform: "node",
  noExternal: [/.*/],
  esbuildPlugins: [leaveOut(target), lazyBuiltins],
  // readable-stream (docker-modem's hijacked exec/attach streams) is a copy of Node's own
  // stream module, which Node has built in (~100 kB less to load).
  esbuildOptions(options) {
    options.alias = { "readable-stream": "stream" };
  },
  minify: false,
  sourcemap: false,
  // import.meta.url (cliBundlePath) as a CommonJS shim.
  shims: true,
  outExtension: () => ({ js: ".cjs" }),
});

export default defineConfig([
  {
    // The library, for npm: dependencies stay external.
    entry: ["src/index.ts"],
    format: ["esm"],
    target: "node20",
    dts: { entry: "src/index.ts" },
    // Published as readable, unminified ESM: no source maps to ship.
    sourcemap: false,
    // Each config writes under dist/ and cleans only its own files.
    clean: ["*.js", "*.d.ts"],
  },
  {
    // The npm bin: `--version` inline, everything else from cli.cjs (compile-cache.ts says why).
    entry: { bin: "src/bin.ts" },
    format: ["cjs"],
    target: "node20",
    platform: "node",
    noExternal: ["@hal9000/core/version"],
    sourcemap: false,
    outExtension: () => ({ js: ".cjs" }),
  },
  {
    // The CLI for npm as one file, so that V8's code cache covers all of it.
    ...oneFile("npm"),
    entry: { cli: "src/main.ts" },
    target: "node20",
  },
  {
    // The same CLI for the parent image, whose runtime is Debian bookworm's Node 18:
    // nothing to install there.
    ...oneFile("parent"),
    entry: { hal9000: "src/bundle-bin.ts" },
    outDir: "dist/bundle",
    target: "node18",
    clean: true,
  },
]);
