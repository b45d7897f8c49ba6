/** The real MCP servers from npm the tests relay, as `node <their bin>` (npx would add seconds). */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

function bin(pkg: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), "dist", "index.js");
}

export const MEMORY_SERVER = bin("@modelcontextprotocol/server-memory");
export const THINKING_SERVER = bin("@modelcontextprotocol/server-sequential-thinking");
