import { fileURLToPath } from "node:url";

const at = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/**
 * Unit tests import sibling packages from their TypeScript sources, never from dist/: an edit
 * in packages/volumes/src is what core's and the CLI's unit tests run, built or not. One entry
 * per export of each package.json (packages/cli/test/source-aliases.test.ts checks that).
 * The integration suites in test/ keep testing the built packages.
 */
export const SOURCE_ALIASES: Record<string, string> = {
  "@hal9000/volumes": at("./packages/volumes/src/index.ts"),
  "@hal9000/core": at("./packages/core/src/index.ts"),
  "@hal9000/core/internal": at("./packages/core/src/internal.ts"),
  "@hal9000/core/version": at("./packages/core/src/vocabulary/version.ts"),
  "@hal9000/core/agent-states": at("./packages/core/src/vocabulary/agent-states.ts"),
  // core's own subpath import (package.json "imports"), loaded before dockerode.
  "#dockerode-extras": at("./packages/core/src/engine/dockerode-extras.ts"),
  "@hal9000/images": at("./images/src/index.ts"),
  "@hal9000/images/specs": at("./images/src/images.ts"),
  "@hal9000/mcp": at("./packages/mcp/src/index.ts"),
  "@hal9000/cli": at("./packages/cli/src/index.ts"),
};

/** The aliases as vite wants them: exact names only, so `@hal9000/core` never swallows `@hal9000/core/version`. */
export const sourceAliases = Object.entries(SOURCE_ALIASES).map(([name, file]) => ({
  find: new RegExp(`^${name.replace(/[/.]/g, "\\$&")}$`),
  replacement: file,
}));
