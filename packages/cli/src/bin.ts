#!/usr/bin/env node
// `hal9000 --version` on its own answers before the parser and the packages load (scripts
// and `doctor` checks run it often); the answer is the same as the parser's.
if (process.argv.length === 3 && process.argv[2] === "--version") {
  void import("@hal9000/core/version").then(({ HAL9000_VERSION }) =>
    process.stdout.write(`${HAL9000_VERSION}\n`),
  );
} else {
  void import("./main.js").then(({ main }) => main());
}
