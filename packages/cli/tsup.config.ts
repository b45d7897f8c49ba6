import { defineConfig, type Options } from "tsup";

// Never called in the parent, yet ~1.8 MB of the bundle: ssh2 (DOCKER_HOST=ssh://; the parent
// talks to its mounted socket), dockerode's BuildKit session (grpc, proto-loader, uuid) and
// protobufjs (hal9000 builds with the classic builder), tar-fs (dockerode's build-from-folder;
// hal9000 sends its build contexts as its own tar stream). The parent bundle swaps them for a
// stub that loads fine and throws a clear error if anything calls it; the npm CLI keeps the
// real packages (ssh:// works there). test/cli-bundle.test.ts fails if one of them comes back.
// @hal9000/mcp (the MCP SDK, ~1 MB) serves `hal9000 mcp` on the host only: the parent forwards
// the relay's bytes with node:net and needs none of it.
const LEFT_OUT = /^(ssh2|@grpc\/grpc-js|@grpc\/proto-loader|protobufjs|tar-fs|\.\/session|@hal9000\/mcp)$/;
const leaveOut: NonNullable<Options["esbuildPlugins"]>[number] = {
  name: "hal9000-parent-leaves-out",
  setup(build) {
    build.onResolve({ filter: LEFT_OUT }, (args) =>
      args.path !== "./session" || /[\\/]dockerode[\\/]lib[\\/]/.test(args.importer)
        ? { path: args.path, namespace: "left-out" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "left-out" }, (args) => {
      const message =
        args.path === "@hal9000/mcp"
          ? "`hal9000 mcp` runs on the host (npx @hal9000/cli mcp …), not inside the parent, which only forwards the relay's port"
          : `${args.path} is left out of the parent image's hal9000 bundle (it talks to its mounted Docker socket with the classic builder); for ssh:// engines use the npm CLI (npx @hal9000/cli)`;
      return {
        loader: "js",
        contents: [
          `const fail = () => { throw new Error(${JSON.stringify(message)}); };`,
          "const stub = new Proxy(fail, { construct: fail });",
          // Callable itself (dockerode's session is a function) and through any property.
          'module.exports = new Proxy(fail, { construct: fail, get: (_t, key) => (key === "__esModule" ? false : stub) });',
        ].join("\n"),
      };
    });
  },
};

export default defineConfig([
  {
    // The library and the `hal9000` bin, for npm: dependencies stay external.
    entry: ["src/index.ts", "src/bin.ts"],
    format: ["esm"],
    target: "node20",
    dts: { entry: "src/index.ts" },
    // Published as readable, unminified ESM: no source maps to ship.
    sourcemap: false,
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
    // Everything is bundled (ssh2, whose optional native addons would stay outside, is left out).
    noExternal: [/.*/],
    esbuildPlugins: [leaveOut],
    // readable-stream (docker-modem's hijacked exec/attach streams) is a copy of Node's own
    // stream module: the parent's Node has that built in (~100 kB less to load).
    esbuildOptions(options) {
      options.alias = { "readable-stream": "stream" };
    },
    minify: false,
    sourcemap: false,
    // import.meta.url (cliBundlePath) as a CommonJS shim.
    shims: true,
    clean: true,
    outExtension: () => ({ js: ".cjs" }),
  },
]);
