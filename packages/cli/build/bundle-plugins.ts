// The esbuild plugins of the CLI's one-file bundles (tsup.config.ts): what they leave out, what
// they load from the CLI's dependencies at run time, and Node builtins loaded on first use.
import type { Options } from "tsup";

type Plugin = NonNullable<Options["esbuildPlugins"]>[number];

// What no hal9000 command calls, yet dockerode loads as it is loaded: its BuildKit session
// (grpc, proto-loader, protobufjs; hal9000 builds with the classic builder), tar-fs (its
// build-from-folder; hal9000 sends its build contexts as its own tar stream) and docker-modem's
// own ssh:// transport (hal9000's engine/ssh.ts connects instead). Both bundles swap them for a
// stub that loads fine and throws a clear error if anything calls it. test/cli-bundle.test.ts
// fails if one of them comes back.
const NEVER_CALLED = /^(@grpc\/grpc-js|@grpc\/proto-loader|protobufjs|tar-fs|\.\/session|\.\/ssh)$/;
const FROM_DOCKER_LIBS = /[\\/](dockerode|docker-modem)[\\/]lib[\\/]/;
// The parent image leaves out ssh2 (DOCKER_HOST=ssh://; the parent talks to its mounted socket)
// and @hal9000/mcp (the MCP SDK, ~1 MB, serves `hal9000 mcp` on the host only: the parent
// forwards the relay's bytes with node:net).
const HOST_ONLY = /^(ssh2|@hal9000\/mcp)$/;
const MCP_SDK = /^(@modelcontextprotocol\/sdk|zod)(\/|$)/;

const stubMessage = (what: string) =>
  what === "@hal9000/mcp"
    ? "`hal9000 mcp` runs on the host (npx @hal9000/cli mcp …), not inside the parent, which only forwards the relay's port"
    : HOST_ONLY.test(what)
      ? `${what} is left out of the parent image's hal9000 bundle (it talks to its mounted Docker socket); for ssh:// engines use the npm CLI (npx @hal9000/cli)`
      : `${what} is left out of hal9000's bundle: no hal9000 command uses it`;

export function leaveOut(target: "parent" | "npm"): Plugin {
  return {
    name: `hal9000-${target}-leaves-out`,
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        // The MCP SDK and zod (~1 MB, which every command would read) load, from the CLI's
        // dependencies, only when `hal9000 mcp` evaluates @hal9000/mcp.
        if (target === "npm" && MCP_SDK.test(args.path)) return { path: args.path, external: true };
        const relative = args.path.startsWith("./");
        if (NEVER_CALLED.test(args.path) && (!relative || FROM_DOCKER_LIBS.test(args.importer))) {
          return { path: args.path, namespace: "left-out" };
        }
        if (!HOST_ONLY.test(args.path)) return undefined;
        if (target === "parent") return { path: args.path, namespace: "left-out" };
        // The npm CLI inlines @hal9000/mcp (evaluated only by `hal9000 mcp`) and requires ssh2,
        // with its optional native addons, from its own dependencies on the first ssh://
        // connection: `import("ssh2")` becomes a require, since the bundle runs as a vm script
        // (compile-cache.ts), where import() needs an experimental Node option.
        if (args.path === "@hal9000/mcp") return undefined;
        return args.namespace === "require-at-runtime"
          ? { path: args.path, external: true }
          : { path: args.path, namespace: "require-at-runtime" };
      });
      build.onLoad({ filter: /.*/, namespace: "require-at-runtime" }, (args) => ({
        loader: "js",
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
      }));
      build.onLoad({ filter: /.*/, namespace: "left-out" }, (args) => ({
        loader: "js",
        contents: [
          `const fail = () => { throw new Error(${JSON.stringify(stubMessage(args.path))}); };`,
          "const stub = new Proxy(fail, { construct: fail });",
          // Callable itself (dockerode's session is a function) and through any property.
          'module.exports = new Proxy(fail, { construct: fail, get: (_t, key) => (key === "__esModule" ? false : stub) });',
        ].join("\n"),
      }));
    },
  };
}

// Node's own modules that `hal9000 list` and the coordinator never call, yet that load with
// the modules importing them (crypto, https and tls, zlib, readline, child_process: ~40 of
// Node's internal modules, ~15% of a cold `list`). In the bundles each is a module whose
// exports load the real one on first use; the names come from the Node that builds.
const LAZY_BUILTINS = /^(node:)?(crypto|https|tls|zlib|readline|child_process)$/;
export const lazyBuiltins: Plugin = {
  name: "hal9000-lazy-builtins",
  setup(build) {
    build.onResolve({ filter: LAZY_BUILTINS }, (args) =>
      args.namespace === "lazy-builtin"
        ? { path: args.path, external: true }
        : { path: args.path.replace(/^node:/, ""), namespace: "lazy-builtin" },
    );
    build.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, async (args) => {
      const names = Object.keys(await import(`node:${args.path}`)).filter((n) => n !== "default");
      return {
        loader: "js",
        resolveDir: ".",
        contents: [
          "let real;",
          `const load = () => (real ??= require(${JSON.stringify(`node:${args.path}`)}));`,
          `const names = ${JSON.stringify(names)};`,
          // A proxy, not getters: docker-modem assigns to an object whose prototype is https.
          // Listing the names and esbuild's __esModule check must not load the module.
          "module.exports = new Proxy({}, {",
          '  get: (_t, key) => (key === "__esModule" ? undefined : load()[key]),',
          "  has: (_t, key) => names.includes(key),",
          "  ownKeys: () => names,",
          "  getOwnPropertyDescriptor: (_t, key) => names.includes(key) ? { enumerable: true, configurable: true, get: () => load()[key] } : undefined,",
          "});",
        ].join("\n"),
      };
    });
  },
};
