#!/usr/bin/env node
// Builds hal9000 images through @hal9000/images (the same API `hal9000 build` uses), for
// development and CI before the integration suites. Needs `pnpm --filter @hal9000/images build`
// and, for the parent, `pnpm --filter @hal9000/cli build`.
//   node images/scripts-dev/build-images.mjs [--no-cache] [--report] [parent|worker|worker-minimal ...]
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { connectDocker } from "@hal9000/core";
import { buildImages, IMAGE_TARGETS, imageSizeReport } from "../dist/index.js";

const args = process.argv.slice(2);
const noCache = args.includes("--no-cache");
const report = args.includes("--report");
const targets = args.filter((a) => !a.startsWith("--"));
const cliBundle = fileURLToPath(new URL("../../packages/cli/dist/bundle/hal9000.cjs", import.meta.url));
const chosen = targets.length > 0 ? targets : IMAGE_TARGETS;

if (chosen.includes("parent") && !existsSync(cliBundle)) {
  console.error(`missing ${cliBundle}: run pnpm --filter @hal9000/cli build`);
  process.exit(1);
}

const docker = connectDocker();
const controller = new AbortController();
process.once("SIGINT", () => controller.abort());
const started = Date.now();
try {
  const built = await buildImages({
    docker,
    targets: chosen,
    cliBundle,
    noCache,
    signal: controller.signal,
    onProgress: (e) => {
      if (e.kind !== "log" || process.env.VERBOSE) console.error(`[${e.target}] ${e.message}`);
    },
  });
  for (const b of built) console.log(`${b.tag}  ${b.id.slice(7, 19)}  ${(b.size / 1e6).toFixed(1)} MB`);
  console.log(`built ${built.length} image(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (report) {
    const mb = (n) => (n === null ? "-" : `${(n / 1e6).toFixed(1)} MB`);
    for (const i of (await imageSizeReport(docker)).images) {
      console.log(
        `${i.tag}: total ${mb(i.size)}, base ${mb(i.baseSize)}, above base ${mb(i.aboveBase)}` +
          (i.claudeBinarySize
            ? `, claude ${mb(i.claudeBinarySize)}, above claude ${mb(i.overheadAboveClaude)}`
            : ""),
      );
    }
  }
} catch (err) {
  console.error(`error: ${err.message}${err.hint ? `\n  ${err.hint}` : ""}`);
  process.exit(1);
}
