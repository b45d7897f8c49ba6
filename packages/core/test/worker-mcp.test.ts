import { describe, expect, it } from "vitest";
import { RELAY_URL_PREFIX, withRelayedServers } from "../src/mcp/worker-mcp.js";

describe("withRelayedServers", () => {
  it("adds the relayed servers beside the user's own, keeping every other key", () => {
    const mine = { command: "my-tool" };
    const { config, relayed, shadowed } = withRelayedServers(
      { hasCompletedOnboarding: true, mcpServers: { mine } },
      ["memory"],
      "w.t",
    );
    expect(relayed).toEqual(["memory"]);
    expect(shadowed).toEqual([]);
    expect(config).toEqual({
      hasCompletedOnboarding: true,
      mcpServers: {
        mine,
        memory: { type: "http", url: `${RELAY_URL_PREFIX}memory`, headers: { Authorization: "Bearer w.t" } },
      },
    });
  });

  it("never replaces a user's server of the same name, and drops relayed ones no longer configured", () => {
    const users = { command: "their-memory" };
    const old = { type: "http", url: `${RELAY_URL_PREFIX}gone`, headers: {} };
    const { config, relayed, shadowed } = withRelayedServers(
      { mcpServers: { memory: users, gone: old } },
      ["memory", "thinking"],
      "w.t",
    );
    expect(shadowed).toEqual(["memory"]);
    expect(relayed).toEqual(["thinking"]);
    expect(Object.keys(config.mcpServers as object).sort()).toEqual(["memory", "thinking"]);
    expect((config.mcpServers as Record<string, unknown>).memory).toBe(users);
  });

  it("leaves a config without servers alone when nothing is relayed", () => {
    expect(withRelayedServers({ a: 1 }, [], "t").config).toEqual({ a: 1 });
  });
});
