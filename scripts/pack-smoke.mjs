// Packaging smoke test: what `npx @hal9000/cli` and `import "@hal9000/core"` will meet once published.
// Packs every package with pnpm (workspace:^ becomes a real range), installs the tarballs into an
// empty project with plain npm (no workspace), then runs the bin and imports each package.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const packages = {
  "@hal9000/volumes": "packages/volumes",
  "@hal9000/core": "packages/core",
  "@hal9000/images": "images",
  "@hal9000/cli": "packages/cli",
};
const work = mkdtempSync(join(tmpdir(), "hal9000-pack-"));
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });

try {
  const tarballs = {};
  for (const [name, dir] of Object.entries(packages)) {
    run("pnpm", ["pack", "--pack-destination", work], join(root, dir));
    const prefix = name.replace("@", "").replace("/", "-");
    const file = readdirSync(work).find((f) => f.startsWith(`${prefix}-`) && f.endsWith(".tgz"));
    if (!file) throw new Error(`pnpm pack produced no tarball for ${name}`);
    tarballs[name] = `file:${join(work, file)}`;
    const listing = run("tar", ["-tzf", join(work, file)], work);
    if (/package\/(test|src)\//.test(listing))
      throw new Error(`${name}: tarball ships tests or sources:\n${listing}`);
  }
  const app = join(work, "app");
  run("mkdir", ["-p", app], work);
  // overrides point the packages' dependencies on each other at the tarballs, as the registry would.
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify(
      { name: "smoke", private: true, type: "module", dependencies: tarballs, overrides: tarballs },
      null,
      2,
    ),
  );
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], app);

  const version = run("npx", ["--no-install", "hal9000", "--version"], app).trim();
  console.log(`npx hal9000 --version → ${version}`);
  if (!/^\d+\.\d+\.\d+/.test(version)) throw new Error(`unexpected version output: ${version}`);

  const importAll = Object.keys(packages)
    .map(
      (name, i) =>
        `const m${i} = await import("${name}");\nif (Object.keys(m${i}).length === 0) throw new Error("${name} exports nothing");`,
    )
    .join("\n");
  writeFileSync(
    join(app, "smoke.mjs"),
    `${importAll}\nconsole.log("imported ${Object.keys(packages).join(", ")}");\n`,
  );
  console.log(run("node", ["smoke.mjs"], app).trim());
  console.log("pack smoke: 1 passed, 0 failed");
} finally {
  rmSync(work, { recursive: true, force: true });
}
