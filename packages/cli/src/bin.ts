#!/usr/bin/env node
// The `hal9000` bin as npm installs it. `hal9000 --version` on its own answers before the
// CLI loads (scripts and `doctor` checks run it often); the answer is the same as the parser's.
// Everything else runs the CLI's one-file bundle (dist/cli.cjs) through V8's code cache.
import { HAL9000_VERSION } from "@hal9000/core/version";

if (process.argv.length === 3 && process.argv[2] === "--version") {
  process.stdout.write(`${HAL9000_VERSION}\n`);
} else {
  void import("./compile-cache.js").then(({ requireWithCompileCache }) => {
    const cli = requireWithCompileCache(`${__dirname}/cli.cjs`).exports as typeof import("./main.js");
    return cli.main();
  });
}
