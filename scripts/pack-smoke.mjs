// Packaging smoke test: what `npx @hal9000/cli` and `import "@hal9000/core"` will meet once published.
// Packs every package with pnpm (workspace:^ becomes a real range), then checks each tarball:
//   - its files: LICENSE and README.md, no tests, sources or source maps;
//   - its package.json: keywords, repository, "./package.json" exported, and `dependencies`
//     listing exactly the packages its published files load (JS) or name (.d.ts);
//   - publint and @arethetypeswrong/cli (ESM-only profile) on the tarball;
// installs the tarballs into an empty project with plain npm (no workspace), runs the bin, imports
// each package, and type-checks a TypeScript consumer (strict, skipLibCheck false) against them
// under moduleResolution node16 and bundler, so a missing declaration or @types fails here.
//   node scripts/pack-smoke.mjs [--keep]   (--keep leaves the work folder for a look)
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const packages = {
  "@hal9000/volumes": "packages/volumes",
  "@hal9000/core": "packages/core",
  "@hal9000/images": "images",
  "@hal9000/mcp": "packages/mcp",
  "@hal9000/cli": "packages/cli",
};
const keep = process.argv.includes("--keep");
const work = mkdtempSync(join(tmpdir(), "hal9000-pack-"));
const bin = (name) => join(root, "node_modules/.bin", name);
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
/** Runs a checker; on failure its own output is the message. */
const check = (what, cmd, args, cwd) => {
  try {
    return run(cmd, args, cwd);
  } catch (err) {
    throw new Error(`${what} failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`);
  }
};
const failures = [];
const fail = (name, problem) => failures.push(`${name}: ${problem}`);
let passed = 0;

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
/** "@scope/name/sub" → "@scope/name"; "name/sub" → "name". */
const packageOf = (spec) =>
  spec
    .split("/")
    .slice(0, spec.startsWith("@") ? 2 : 1)
    .join("/");
/** Bare specifiers a file loads: static import/export … from, import(), require(). */
function imports(text) {
  const found = new Set();
  const patterns = [
    /^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    // Not inside a string: ajv (in the CLI's bundle, through the MCP SDK) writes `require("ajv/…")`
    // into code it generates, as text.
    /(?<![`'"])\brequire\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) found.add(m[1]);
  // "#name" is the package's own subpath import (package.json "imports"), not a dependency.
  return [...found]
    .filter((s) => !s.startsWith(".") && !s.startsWith("/") && !s.startsWith("#") && !builtins.has(s))
    .map(packageOf);
}
const walk = (dir) =>
  readdirSync(dir).flatMap((f) =>
    statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)],
  );

function checkTarball(name, tgz) {
  const dir = join(work, "unpacked", name);
  mkdirSync(dir, { recursive: true });
  run("tar", ["-xzf", tgz, "-C", dir], work);
  const pkgDir = join(dir, "package");
  const files = walk(pkgDir).map((f) => relative(pkgDir, f));
  const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));

  for (const required of ["LICENSE", "README.md", "package.json"])
    if (!files.includes(required)) fail(name, `tarball has no ${required}`);
  const stray = files.filter((f) => /^(test|src)\//.test(f) || /\.(map|test\.[cm]?[jt]s)$/.test(f));
  if (stray.length) fail(name, `tarball ships tests, sources or source maps: ${stray.join(", ")}`);
  if (!manifest.keywords?.length) fail(name, "package.json has no keywords");
  if (!manifest.repository?.url) fail(name, "package.json has no repository");
  if (manifest.license !== "MIT") fail(name, `license is ${manifest.license}, the LICENSE file says MIT`);
  if (manifest.exports?.["./package.json"] !== "./package.json") fail(name, 'exports lacks "./package.json"');

  // dependencies = what the published files load. dist/bundle/ is the parent's self-contained CLI
  // (everything inlined; test/cli-bundle.test.ts checks it loads only builtins).
  const published = files.filter((f) => f.startsWith("dist/") && !f.startsWith("dist/bundle/"));
  const loaded = new Set(
    published
      .filter((f) => /\.[cm]?js$/.test(f))
      .flatMap((f) => imports(readFileSync(join(pkgDir, f), "utf8"))),
  );
  const typed = new Set(
    published
      .filter((f) => f.endsWith(".d.ts"))
      .flatMap((f) => imports(readFileSync(join(pkgDir, f), "utf8"))),
  );
  const deps = new Set(Object.keys(manifest.dependencies ?? {}));
  for (const d of loaded)
    if (d !== name && !deps.has(d)) fail(name, `its JS loads ${d}, not in dependencies`);
  for (const t of typed)
    if (t !== name && !deps.has(t)) fail(name, `its .d.ts imports ${t}, not in dependencies`);
  for (const d of deps) {
    const typesOf = d.startsWith("@types/") ? d.slice(7).replace(/^(.+)__(.+)$/, "@$1/$2") : undefined;
    if (typesOf ? !typed.has(typesOf) : !loaded.has(d) && !typed.has(d))
      fail(name, `dependency ${d} is loaded by none of its published files`);
  }

  try {
    check("publint", bin("publint"), ["run", "--strict", tgz], work);
  } catch (err) {
    fail(name, err.message);
  }
  try {
    // ESM-only by design: no CommonJS entry to check. Dependencies' types are not fetched.
    check(
      "attw",
      bin("attw"),
      [tgz, "--profile", "esm-only", "--no-definitely-typed", "--format", "ascii"],
      work,
    );
  } catch (err) {
    fail(name, err.message);
  }
  return statSync(tgz).size;
}

// The consumer a TypeScript user writes: the facade, the errors, a config type, a subpath.
const consumer = `import { Hal9000, Hal9000Error, NotFoundError, type Hal9000Options } from "@hal9000/core";
import { HAL9000_VERSION } from "@hal9000/core/version";
import { buildImages, type BuildOptions, IMAGES } from "@hal9000/images";
import type { Hal9000Config } from "@hal9000/volumes";
import { run, defaultServices } from "@hal9000/cli";

const flags: Partial<Hal9000Config> = { workerMemory: "2g", workerMaxCount: 4 };
const options: Hal9000Options = { flags, env: {} };

export async function tour(): Promise<string> {
  const hal: Hal9000 = await Hal9000.open(options);
  try {
    const worker = await hal.spawn({ project: ".", detach: true });
    const status = await hal.status();
    return \`\${worker.name} of \${status.workers.length}, parent \${status.parent.state}\`;
  } catch (err) {
    if (err instanceof NotFoundError) return \`missing: \${err.message}\`;
    if (err instanceof Hal9000Error) return \`\${err.code}: \${err.hint ?? ""}\`;
    throw err;
  }
}

export const build = (docker: BuildOptions["docker"]) => buildImages({ docker, targets: ["worker"] });
export const tag: string = IMAGES.parent.defaultTag;
export const version: string = HAL9000_VERSION;
export const cli = (): Promise<number> => run(["status", "--json"], defaultServices());
`;
const tsconfig = (module, moduleResolution) =>
  JSON.stringify(
    {
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        target: "es2022",
        module,
        moduleResolution,
        types: ["node"],
        exactOptionalPropertyTypes: false,
      },
      files: ["consumer.ts"],
    },
    null,
    2,
  );

try {
  const tarballs = {};
  const sizes = {};
  for (const [name, dir] of Object.entries(packages)) {
    run("pnpm", ["pack", "--pack-destination", work], join(root, dir));
    const prefix = name.replace("@", "").replace("/", "-");
    const file = readdirSync(work).find((f) => f.startsWith(`${prefix}-`) && f.endsWith(".tgz"));
    if (!file) throw new Error(`pnpm pack produced no tarball for ${name}`);
    tarballs[name] = `file:${join(work, file)}`;
    sizes[name] = checkTarball(name, join(work, file));
  }
  if (failures.length === 0) passed++;

  const app = join(work, "app");
  mkdirSync(app);
  const typesNode = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).devDependencies[
    "@types/node"
  ];
  // overrides point the packages' dependencies on each other at the tarballs, as the registry would.
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify(
      {
        name: "smoke",
        private: true,
        type: "module",
        dependencies: tarballs,
        devDependencies: { "@types/node": typesNode },
        overrides: tarballs,
      },
      null,
      2,
    ),
  );
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], app);

  const version = run("npx", ["--no-install", "hal9000", "--version"], app).trim();
  if (/^\d+\.\d+\.\d+/.test(version)) passed++;
  else fail("@hal9000/cli", `npx hal9000 --version printed ${JSON.stringify(version)}`);

  // Past --version the bin runs dist/cli.cjs (the whole CLI in one file) through the code
  // cache; ssh2 comes from the CLI's own dependencies on the first ssh:// connection.
  const cliHome = join(app, "home");
  mkdirSync(cliHome);
  const cliEnv = { ...process.env, HOME: cliHome, XDG_CACHE_HOME: "", HAL9000_HOME: join(cliHome, "hal") };
  const cli = (args, env = {}) =>
    spawnSync("npx", ["--no-install", "hal9000", ...args], {
      cwd: app,
      encoding: "utf8",
      env: { ...cliEnv, ...env },
    });
  const help = cli(["--help"]);
  const cached = existsSync(join(cliHome, ".cache", "hal9000", "compile-cache"));
  if (help.status === 0 && /hal9000 spawn/.test(help.stdout) && cached) passed++;
  else
    fail(
      "@hal9000/cli",
      `npx hal9000 --help exited ${help.status}, compile cache written: ${cached}: ${help.stderr}`,
    );
  // A closed loopback port, with a key and a known host so that ssh2 is loaded and connects:
  // the error must be the refused connection, not a missing module.
  mkdirSync(join(cliHome, ".ssh"), { mode: 0o700 });
  run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(cliHome, ".ssh", "id_ed25519")], app);
  const publicKey = readFileSync(join(cliHome, ".ssh", "id_ed25519.pub"), "utf8")
    .split(" ")
    .slice(0, 2)
    .join(" ");
  writeFileSync(join(cliHome, ".ssh", "known_hosts"), `[127.0.0.1]:1 ${publicKey}\n`);
  const ssh = cli(["count"], { DOCKER_HOST: "ssh://nobody@127.0.0.1:1" });
  if (ssh.status !== 0 && /ssh:\/\/nobody@127\.0\.0\.1:1: daemon is not running/.test(ssh.stderr)) passed++;
  else fail("@hal9000/cli", `hal9000 count over ssh:// to a closed port: exit ${ssh.status}: ${ssh.stderr}`);

  const importAll = Object.keys(packages)
    .map(
      (name, i) =>
        `const m${i} = await import("${name}");\nif (Object.keys(m${i}).length === 0) throw new Error("${name} exports nothing");`,
    )
    .join("\n");
  writeFileSync(join(app, "smoke.mjs"), `${importAll}\n`);
  try {
    check("importing every package", "node", ["smoke.mjs"], app);
    passed++;
  } catch (err) {
    fail("import", err.message);
  }

  writeFileSync(join(app, "consumer.ts"), consumer);
  writeFileSync(join(app, "tsconfig.node16.json"), tsconfig("node16", "node16"));
  writeFileSync(join(app, "tsconfig.bundler.json"), tsconfig("esnext", "bundler"));
  for (const mode of ["node16", "bundler"]) {
    try {
      check(`tsc (moduleResolution ${mode})`, bin("tsc"), ["-p", `tsconfig.${mode}.json`], app);
      passed++;
    } catch (err) {
      fail(`TypeScript consumer (${mode})`, err.message);
    }
  }

  for (const [name, size] of Object.entries(sizes))
    console.log(`${name}: ${(size / 1000).toFixed(1)} kB packed`);
  console.log(`npx hal9000 --version → ${version}`);
  if (failures.length) {
    console.error(`\n${failures.join("\n\n")}`);
    console.log(`pack smoke: ${passed} passed, ${failures.length} failed`);
    process.exitCode = 1;
  } else {
    console.log(`pack smoke: ${passed} passed, 0 failed`);
  }
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
