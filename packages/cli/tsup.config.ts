import { defineConfig } from "tsup";

// ssh2 (under dockerode) loads optional native addons inside try/catch: the sshcrypto binding
// and the cpu-features package. The parent only talks to a unix socket, so the bundle leaves
// them out (the require fails, ssh2 falls back to pure JS) instead of shipping .node files.
const NATIVE = [/\.node$/, /^cpu-features$/];

export default defineConfig([
  {
    // The library and the `hal9000` bin, for npm: dependencies stay external.
    entry: ["src/index.ts", "src/bin.ts"],
    format: ["esm"],
    target: "node20",
    dts: { entry: "src/index.ts" },
    // yargs is ~40 small ES modules: inlined, `hal9000 --version` starts ~20 ms sooner. The
    // workspace packages stay external (one copy of each, shared with core).
    noExternal: [/^yargs(\/|$)/],
    sourcemap: true,
    // Both configs write under dist/: each cleans only its own files.
    clean: ["!bundle/**"],
  },
  {
    // The same CLI as one self-contained file for the parent image, whose runtime is
    // Debian bookworm's Node 18: every dependency bundled, nothing to install there.
    entry: { hal9000: "src/bin.ts" },
    outDir: "dist/bundle",
    format: ["cjs"],
    target: "node18",
    platform: "node",
    // Everything is bundled except the native addons (tsup checks noExternal before external).
    noExternal: [/^(?!cpu-features$)(?!.*\.node$)/],
    external: NATIVE,
    minify: false,
    sourcemap: false,
    // import.meta.url (cliBundlePath) as a CommonJS shim.
    shims: true,
    clean: true,
    outExtension: () => ({ js: ".cjs" }),
  },
]);
