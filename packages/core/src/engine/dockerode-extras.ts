// dockerode loads, as it is itself loaded, what only rare calls use: @grpc/grpc-js,
// proto-loader and uuid (BuildKit sessions), ssh2 (docker-modem's own ssh:// transport) and
// tar-fs (building from a folder). That is ~190 of its ~230 modules and most of its load time,
// yet a unix or tcp connection needs none of them: hal9000 builds with the classic builder
// from its own tar stream, and its ssh:// transport (ssh.ts) loads ssh2 itself on its first
// connection. Imported before dockerode (through the package's "#dockerode-extras" import,
// which the build keeps external so it runs first), this puts stand-ins for those modules in
// require.cache that load the real module on first use. Node documents adding entries there.
import { createRequire, Module } from "node:module";
import path from "node:path";
import stream from "node:stream";
import type Debug from "debug";
import type Docker from "dockerode";

const require = createRequire(import.meta.url);

/** Replaces the module at `file` with a stand-in that requires it when first called or read. */
function defer(file: string): void {
  if (require.cache[file]) return;
  let real: ((...args: unknown[]) => unknown) & Record<PropertyKey, unknown>;
  const load = () => {
    if (real === undefined) {
      delete require.cache[file];
      real = require(file);
    }
    return real;
  };
  // A function target, so the stand-in can be called (session, ssh) or read (tar-fs.pack).
  const standIn = new Proxy(function deferred() {}, {
    apply: (_target, self, args) => Reflect.apply(load(), self, args),
    construct: (_target, args) => Reflect.construct(load(), args),
    get: (_target, key) => load()[key],
  });
  cache(file, standIn);
}

function cache(file: string, exports: unknown): void {
  const m = new Module(file);
  m.filename = file;
  m.loaded = true;
  m.exports = exports;
  require.cache[file] = m;
}

try {
  const dockerode = require.resolve("dockerode");
  const fromDockerode = createRequire(dockerode);
  defer(path.join(path.dirname(dockerode), "session.js"));
  defer(path.join(path.dirname(fromDockerode.resolve("docker-modem")), "ssh.js"));
  defer(fromDockerode.resolve("tar-fs"));
  // docker-modem's readable-stream (its hijacked attach/exec streams) is a copy of Node's own
  // stream module, 13 files to load: Node's is built in (the parent's bundle aliases it too).
  const modem = createRequire(fromDockerode.resolve("docker-modem"));
  const readableStream = modem.resolve("readable-stream");
  if (!require.cache[readableStream]) cache(readableStream, stream);
} catch {
  // Not laid out as installed from npm: dockerode loads everything, as before.
}

// dockerode and debug are CommonJS. Imported by an ES module, each goes through Node's scan of
// its exports (cjs-module-lexer, started on first use): ~60 ms CPU of a cold `hal9000 list`,
// next to ~45 ms for the modules themselves; require()d, none. Bundlers resolve
// "#dockerode-extras" to dockerode-static.ts instead (package.json "imports", condition "module").
export const Dockerode: typeof Docker = require("dockerode");
export const createDebug: typeof Debug = require("debug");
