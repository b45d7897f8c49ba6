import { defineConfig } from "tsup";

export default defineConfig({
  // version is its own entry (`@hal9000/core/version`): `hal9000 --version` reads it
  // without loading dockerode. dockerode-extras is its own file, imported as
  // "#dockerode-extras" and kept external: an inlined copy would run after dockerode (an
  // external import, evaluated before any bundled code), too late to defer what it loads.
  entry: {
    index: "src/index.ts",
    internal: "src/internal.ts",
    version: "src/vocabulary/version.ts",
    // The agent states and `wait --until`'s states, for the CLI's tables (no dockerode either).
    "agent-states": "src/vocabulary/agent-states.ts",
    "dockerode-extras": "src/engine/dockerode-extras.ts",
    // What bundlers get for "#dockerode-extras" (package.json "imports", condition "module").
    "dockerode-static": "src/engine/dockerode-static.ts",
  },
  external: ["#dockerode-extras"],
  format: ["esm"],
  target: "node20",
  dts: true,
  // Published as readable, unminified ESM: no source maps to ship.
  sourcemap: false,
  clean: true,
});
