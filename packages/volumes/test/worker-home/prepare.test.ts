import { lstat, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { HomeError } from "../../src/errors.js";
import { homeLayout } from "../../src/home.js";
import { mcpRelayFiles } from "../../src/mcp-relay-files.js";
import { identityFiles } from "../../src/worker-home/identity.js";
import { prepareWorkerHome } from "../../src/worker-home/prepare.js";
import { workerSecretsDir } from "../../src/worker-home/secrets.js";
import { createWorkerHome } from "../../src/worker-homes.js";
import { tempDir } from "../temp-dir.js";

const me = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };

describe("prepareWorkerHome", () => {
  it("writes what the plan says: the credential copy, ~/.claude, the identity files", async () => {
    const layout = homeLayout(await tempDir());
    const home = await createWorkerHome(layout, "w1", me);
    const done = await prepareWorkerHome(layout, {
      name: "w1",
      user: me,
      credential: { kind: "api-key", value: "sk-plan" },
    });
    expect(done.home).toBe(home);
    expect(done.credential).toEqual({
      file: path.join(layout.secrets, "workers", "w1", "credential"),
      target: "/run/hal9000/credential",
    });
    expect(await readFile(done.credential?.file ?? "", "utf8")).toBe("sk-plan\n");
    expect((await stat(done.credential?.file ?? "")).mode & 0o777).toBe(0o600);
    const settings = JSON.parse(await readFile(path.join(home, ".claude", "settings.json"), "utf8"));
    expect(settings.apiKeyHelper).toBe("cat /run/hal9000/credential");
    expect(settings.hooks.Stop).toHaveLength(1);
    const claudeJson = JSON.parse(await readFile(path.join(home, ".claude.json"), "utf8"));
    expect(claudeJson.projects["/workspace"].hasTrustDialogAccepted).toBe(true);
    expect(done.identity.passwd).toBe(path.join(workerSecretsDir(layout, "w1"), "passwd"));
    expect(await readFile(done.identity.passwd, "utf8")).toContain(
      `worker:x:${me.uid}:${me.gid}:hal9000 worker:/home/worker:/bin/bash\n`,
    );
    expect(await readFile(done.identity.group, "utf8")).toContain(`worker:x:${me.gid}:\n`);
  });

  it("without a credential, removes an earlier worker's copy of the name and hands over none", async () => {
    const layout = homeLayout(await tempDir());
    await createWorkerHome(layout, "w2", me);
    const first = await prepareWorkerHome(layout, {
      name: "w2",
      user: me,
      credential: { kind: "oauth-token", value: "sk-ant-oat01-x" },
    });
    expect(first.credential?.target).toBe("/home/worker/.claude/.credentials.json");
    const again = await prepareWorkerHome(layout, { name: "w2", user: me });
    expect(again.credential).toBeUndefined();
    await expect(lstat(first.credential?.file ?? "")).rejects.toThrow(/ENOENT/);
    await expect(lstat(path.join(again.home, ".claude", ".credentials.json"))).rejects.toThrow(/ENOENT/);
  });

  it("on failure says which file is broken and leaves no credential copy behind", async () => {
    const layout = homeLayout(await tempDir());
    const home = await createWorkerHome(layout, "w3", me);
    await mkdir(path.join(home, ".claude"));
    await writeFile(path.join(home, ".claude", "settings.json"), "{not json");
    const attempt = prepareWorkerHome(layout, {
      name: "w3",
      user: me,
      credential: { kind: "api-key", value: "sk-never-left" },
    });
    await expect(attempt).rejects.toThrow(HomeError);
    await expect(attempt).rejects.toThrow(/settings\.json is not valid JSON/);
    await expect(lstat(workerSecretsDir(layout, "w3"))).rejects.toThrow(/ENOENT/);
  });
});

describe("prepareWorkerHome with relayed MCP servers", () => {
  const relay = { servers: ["memory"], urlPrefix: "http://127.0.0.1:7777/mcp/" };

  it("lists them in ~/.claude.json with the worker's own relay credential, and takes them out again", async () => {
    const layout = homeLayout(await tempDir());
    const home = await createWorkerHome(layout, "w4", me);
    const done = await prepareWorkerHome(layout, { name: "w4", user: me, relay });
    expect(done.mcp).toEqual({ relayed: ["memory"], shadowed: [] });
    const token = (await readFile(path.join(mcpRelayFiles(layout).tokens, "w4.token"), "utf8")).trim();
    expect(token.startsWith("w4.")).toBe(true);
    const claudeJson = JSON.parse(await readFile(path.join(home, ".claude.json"), "utf8"));
    expect(claudeJson.mcpServers.memory).toEqual({
      type: "http",
      url: "http://127.0.0.1:7777/mcp/memory",
      headers: { Authorization: `Bearer ${token}` },
    });
    const none = await prepareWorkerHome(layout, { name: "w4", user: me, relay: { ...relay, servers: [] } });
    expect(none.mcp).toEqual({ relayed: [], shadowed: [] });
    expect(JSON.parse(await readFile(path.join(home, ".claude.json"), "utf8")).mcpServers).toEqual({});
    await expect(lstat(path.join(mcpRelayFiles(layout).tokens, "w4.token"))).rejects.toThrow(/ENOENT/);
  });

  it("leaves no credential of either kind behind when a late step fails", async () => {
    const layout = homeLayout(await tempDir());
    await createWorkerHome(layout, "w5", me);
    // The identity files come last: a directory where passwd goes makes that step fail.
    await mkdir(path.join(workerSecretsDir(layout, "w5"), "passwd", "x"), { recursive: true });
    await expect(
      prepareWorkerHome(layout, {
        name: "w5",
        user: me,
        credential: { kind: "api-key", value: "sk" },
        relay,
      }),
    ).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    await expect(lstat(path.join(mcpRelayFiles(layout).tokens, "w5.token"))).rejects.toThrow(/ENOENT/);
    await expect(lstat(workerSecretsDir(layout, "w5"))).rejects.toThrow(/ENOENT/);
  });
});

describe("identityFiles", () => {
  it("names the worker's UID:GID `worker`, replacing an image account of the same ids", () => {
    const files = identityFiles({ uid: 33, gid: 33 });
    const passwd = files.passwd.trimEnd().split("\n");
    expect(passwd.filter((l) => l.split(":")[2] === "33")).toEqual([
      "worker:x:33:33:hal9000 worker:/home/worker:/bin/bash",
    ]);
    expect(passwd[0]).toBe("root:x:0:0:root:/root:/bin/bash");
    const group = files.group.trimEnd().split("\n");
    expect(group.filter((l) => l.split(":")[2] === "33")).toEqual(["worker:x:33:"]);
  });
});
