import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pathContext } from "../../src/context/host-paths.js";
import { resolveHostClaudeConfig } from "../../src/worker/host-claude-config.js";

let dir: string;
let host: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "hal9000-claude-home-"));
  host = path.join(dir, "host-claude");
  await mkdir(host, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("resolveHostClaudeConfig", () => {
  it("is $CLAUDE_CONFIG_DIR or ~/.claude, and must exist", async () => {
    const paths = pathContext(dir, {}, dir);
    expect(await resolveHostClaudeConfig(paths, { CLAUDE_CONFIG_DIR: host })).toBe(host);
    await mkdir(path.join(dir, "h", ".claude"), { recursive: true });
    expect(await resolveHostClaudeConfig(paths, { HOME: path.join(dir, "h") })).toBe(
      path.join(dir, "h", ".claude"),
    );
    await expect(resolveHostClaudeConfig(paths, { HOME: path.join(dir, "nobody") })).rejects.toThrow(
      /no Claude config directory at/,
    );
  });

  it("is refused inside the parent, where the host's home is not visible", async () => {
    const paths = pathContext("/root/.hal9000", { HAL9000_HOST_HOME: "/home/u/.hal9000" }, "/");
    await expect(resolveHostClaudeConfig(paths, {})).rejects.toThrow(/only when spawning from the host/);
  });
});
