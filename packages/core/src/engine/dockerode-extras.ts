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
  const m = new Module(file);
  m.filename = file;
  m.loaded = true;
  m.exports = standIn;
  require.cache[file] = m;
}

try {
  const dockerode = require.resolve("dockerode");
  const fromDockerode = createRequire(dockerode);
  defer(path.join(path.dirname(dockerode), "session.js"));
  defer(path.join(path.dirname(fromDockerode.resolve("docker-modem")), "ssh.js"));
  defer(fromDockerode.resolve("tar-fs"));
} catch {
  // Not laid out as installed from npm (e.g. bundled): dockerode loads everything, as before.
}
