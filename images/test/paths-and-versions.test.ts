import { join } from "node:path";
import { InvalidInputError } from "@hal9000/core";
import { describe, expect, it } from "vitest";
import { claudeCachePath, resolveCacheDir } from "../src/cache-dir.js";
import {
  claudePlatformFor,
  claudePlatformPackage,
  DEFAULT_CLAUDE_VERSION,
  resolveClaudeVersion,
  resolveRegistry,
} from "../src/claude-cli.js";

describe("resolveCacheDir", () => {
  it("prefers HAL9000_CACHE_DIR", () => {
    expect(resolveCacheDir({ HAL9000_CACHE_DIR: "/c/h", XDG_CACHE_HOME: "/x" }, "/home/u")).toBe("/c/h");
  });
  it("then $XDG_CACHE_HOME/hal9000", () => {
    expect(resolveCacheDir({ XDG_CACHE_HOME: "/x" }, "/home/u")).toBe("/x/hal9000");
  });
  it("ignores a relative XDG_CACHE_HOME, as the XDG spec says", () => {
    expect(resolveCacheDir({ XDG_CACHE_HOME: "rel" }, "/home/u")).toBe("/home/u/.cache/hal9000");
  });
  it("else ~/.cache/hal9000", () => {
    expect(resolveCacheDir({}, "/home/u")).toBe("/home/u/.cache/hal9000");
  });
  it("places a Claude binary under claude-code/<version>/<platform>/claude", () => {
    expect(claudeCachePath("/c", "2.1.0", "linux-arm64")).toBe(
      join("/c", "claude-code", "2.1.0", "linux-arm64", "claude"),
    );
  });
});

describe("resolveClaudeVersion", () => {
  it("option > HAL9000_CLAUDE_VERSION > default", () => {
    expect(resolveClaudeVersion("1.2.3", { HAL9000_CLAUDE_VERSION: "9.9.9" })).toBe("1.2.3");
    expect(resolveClaudeVersion(undefined, { HAL9000_CLAUDE_VERSION: "9.9.9" })).toBe("9.9.9");
    expect(resolveClaudeVersion(undefined, {})).toBe(DEFAULT_CLAUDE_VERSION);
    expect(resolveClaudeVersion(undefined, { HAL9000_CLAUDE_VERSION: " " })).toBe(DEFAULT_CLAUDE_VERSION);
    expect(resolveClaudeVersion("latest", {})).toBe("latest");
  });
  it.each(["../../etc", "1.0.0/x", "a b", "-rf"])("rejects %j, which would escape the cache folder", (v) => {
    expect(() => resolveClaudeVersion(v, {})).toThrowError(InvalidInputError);
    expect(() => resolveClaudeVersion(v, {})).toThrowError(/is not a Claude CLI version/);
  });
  it("pins an exact version", () => {
    expect(DEFAULT_CLAUDE_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe("resolveRegistry", () => {
  it("option > npm_config_registry > public registry, always with a trailing slash", () => {
    expect(resolveRegistry("http://127.0.0.1:4873", {})).toBe("http://127.0.0.1:4873/");
    expect(resolveRegistry(undefined, { npm_config_registry: "https://r.example/npm/" })).toBe(
      "https://r.example/npm/",
    );
    expect(resolveRegistry(undefined, { NPM_CONFIG_REGISTRY: "https://R.example" })).toBe(
      "https://r.example/",
    );
    expect(resolveRegistry(undefined, {})).toBe("https://registry.npmjs.org/");
  });
  it("rejects a registry that is not a URL", () => {
    expect(() => resolveRegistry("registry.npmjs.org", {})).toThrowError(/is not a URL/);
  });
});

describe("claudePlatformFor", () => {
  it("maps Node and Docker architecture names", () => {
    expect(claudePlatformFor("x64")).toBe("linux-x64");
    expect(claudePlatformFor("amd64")).toBe("linux-x64");
    expect(claudePlatformFor("arm64")).toBe("linux-arm64");
    expect(claudePlatformFor("aarch64")).toBe("linux-arm64");
    expect(claudePlatformPackage("linux-arm64")).toBe("@anthropic-ai/claude-code-linux-arm64");
  });
  it("refuses an architecture Claude has no build for", () => {
    expect(() => claudePlatformFor("s390x")).toThrowError(/no Linux build for the s390x/);
  });
});
