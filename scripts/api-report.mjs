// The API reports in docs/api/ (one per package, made by api-extractor from the built .d.ts):
//   node scripts/api-report.mjs           check: fails if a report differs from the code (pnpm lint)
//   node scripts/api-report.mjs --update  rewrite the reports after an intended API change
// Needs `pnpm build` first: the reports are read off dist/index.d.ts. api-extractor.base.json: the
// packages have no alpha/beta tiers (no release tags needed); a public signature naming a type
// that is not exported shows in the report as an ae-forgotten-export line, not as a failure.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";

const root = resolve(import.meta.dirname, "..");
const update = process.argv.includes("--update");
const packages = ["packages/volumes", "packages/core", "images", "packages/mcp", "packages/cli"];
const stale = [];

for (const dir of packages) {
  const config = ExtractorConfig.loadFileAndPrepare(join(root, dir, "api-extractor.json"));
  if (!existsSync(config.mainEntryPointFilePath)) {
    console.error(`api-report: ${config.mainEntryPointFilePath} is missing: run pnpm build first`);
    process.exit(1);
  }
  const result = Extractor.invoke(config, {
    localBuild: update,
    messageCallback: (m) => {
      // Only what needs a look: the report's own verdict is printed below.
      if (/^console-api-report-(changed|created|not-copied|copied)$/.test(m.messageId)) {
        m.handled = true;
      }
      if (m.logLevel === "info" || m.logLevel === "verbose") m.handled = true;
    },
  });
  const report = `docs/api/${config.packageJson?.name?.split("/")[1]}.api.md`;
  if (result.apiReportChanged && !update) stale.push(report);
  else if (!result.succeeded) {
    console.error(
      `api-report: api-extractor failed for ${dir} (${result.errorCount} errors, ${result.warningCount} warnings)`,
    );
    process.exitCode = 1;
  } else console.error(`api-report: ${report} ${result.apiReportChanged ? "updated" : "up to date"}`);
}

// A public signature may name only public types: one from another package's internal subpath
// (`@hal9000/core/internal`) would leak a type with no stability promise into this package's API.
for (const dir of packages) {
  const name = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")).name.split("/")[1];
  const report = `docs/api/${name}.api.md`;
  if (!existsSync(join(root, report))) continue;
  for (const line of readFileSync(join(root, report), "utf8").split(/\r?\n/)) {
    const m = /^import .* from '(@hal9000\/[^/']+\/internal)';$/.exec(line);
    if (m) {
      console.error(`api-report: ${report}: its public API names a type from ${m[1]}: ${line}`);
      console.error("  use (or export) a public type of that package instead");
      process.exitCode = 1;
    }
  }
}

// docs/contracts.md lists every report: a package whose report it does not name is a drift too.
const contracts = readFileSync(join(root, "docs/contracts.md"), "utf8");
for (const dir of packages) {
  const name = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")).name.split("/")[1];
  if (!contracts.includes(`(api/${name}.api.md)`)) {
    console.error(`api-report: docs/contracts.md does not link docs/api/${name}.api.md: add its row`);
    process.exitCode = 1;
  }
}

if (stale.length) {
  console.error(
    `api-report: the public API differs from ${stale.join(", ")}.\n` +
      "  If the change is intended, run `pnpm api:update` and commit the reports (they are the API's review record).",
  );
  process.exitCode = 1;
}
