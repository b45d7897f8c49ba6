// biome-ignore-all lint/suspicious/noTemplateCurlyInString: .npmrc text uses ${VAR} itself
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InvalidInputError } from "@hal9000/core";
import { describe, expect, it } from "vitest";
import { noProxyMatches, parseNpmrc, resolveNpmSettings } from "../src/npm-config.js";
import { tempDir } from "./helpers.js";

const PKG = "@anthropic-ai/claude-code-linux-x64";
const u = (s: string) => new URL(s);

describe("parseNpmrc", () => {
  it("reads key=value lines, skips comments and sections, unquotes, expands ${VAR}", () => {
    const text = [
      "; a comment",
      "# another",
      "[section]",
      'registry = "https://r.example/npm/"',
      "//r.example/npm/:_authToken=${TOKEN}",
      "optional=${UNSET?}x",
      "kept=${UNSET}",
      "literal=\\${TOKEN}",
    ].join("\n");
    expect(Object.fromEntries(parseNpmrc(text, { TOKEN: "t0k" }))).toEqual({
      registry: "https://r.example/npm/",
      "//r.example/npm/:_authToken": "t0k",
      optional: "x",
      kept: "${UNSET}",
      literal: "${TOKEN}",
    });
  });
});

describe("resolveNpmSettings", () => {
  async function files(project: string, user: string) {
    const dir = await tempDir();
    await mkdir(join(dir, "project", "sub"), { recursive: true });
    await writeFile(join(dir, "project", "package.json"), "{}");
    await writeFile(join(dir, "project", ".npmrc"), project);
    await writeFile(join(dir, "user.npmrc"), user);
    return { cwd: join(dir, "project", "sub"), userconfig: join(dir, "user.npmrc") };
  }

  it("npm_config_* > the project's .npmrc > the user's; a scope's registry beats the default one", async () => {
    const f = await files("registry=https://project.example/\n", "registry=https://user.example/\n");
    const env = { npm_config_userconfig: f.userconfig };
    expect(resolveNpmSettings({ packageName: PKG, env, cwd: f.cwd }).registry).toBe(
      "https://project.example/",
    );
    expect(
      resolveNpmSettings({
        packageName: PKG,
        env: { ...env, npm_config_registry: "https://env.example" },
        cwd: f.cwd,
      }).registry,
    ).toBe("https://env.example/");
    const scoped = await files(
      "",
      "registry=https://user.example/\n@anthropic-ai:registry=https://scoped.example/\n",
    );
    expect(
      resolveNpmSettings({
        packageName: PKG,
        env: { npm_config_userconfig: scoped.userconfig },
        cwd: scoped.cwd,
      }).registry,
    ).toBe("https://scoped.example/");
    // An explicit registry wins over everything; with no settings at all, the public registry.
    expect(
      resolveNpmSettings({ packageName: PKG, registry: "http://127.0.0.1:4873", env, cwd: f.cwd }).registry,
    ).toBe("http://127.0.0.1:4873/");
    expect(resolveNpmSettings({ packageName: PKG, env: {}, cwd: "/" }).registry).toBe(
      "https://registry.npmjs.org/",
    );
  });

  it("sends the credential of the longest matching //host/path/, and none to other hosts", async () => {
    const f = await files(
      "",
      [
        "//r.example/:_authToken=host-wide",
        "//r.example/npm/:_authToken=npm-path",
        "//basic.example:8443/:_auth=dXNlcjpwYXNz",
        "//pw.example/:username=me",
        `//pw.example/:_password=${Buffer.from("secret").toString("base64")}`,
      ].join("\n"),
    );
    const s = resolveNpmSettings({
      packageName: PKG,
      env: { npm_config_userconfig: f.userconfig },
      cwd: f.cwd,
    });
    expect(s.authFor(u("https://r.example/npm/@a%2fb"))).toBe("Bearer npm-path");
    expect(s.authFor(u("https://r.example/npm/@a/b/-/b-1.0.0.tgz"))).toBe("Bearer npm-path");
    expect(s.authFor(u("https://r.example/other/x"))).toBe("Bearer host-wide");
    expect(s.authFor(u("https://basic.example:8443/x"))).toBe("Basic dXNlcjpwYXNz");
    expect(s.authFor(u("https://basic.example/x"))).toBeUndefined(); // another port is another registry
    expect(s.authFor(u("https://pw.example/x"))).toBe(`Basic ${Buffer.from("me:secret").toString("base64")}`);
    expect(s.authFor(u("https://cdn.example/x.tgz"))).toBeUndefined();
  });

  it("proxies from https-proxy/proxy or HTTPS_PROXY/HTTP_PROXY, except what NO_PROXY names", () => {
    const s = resolveNpmSettings({
      packageName: PKG,
      env: {
        HTTPS_PROXY: "http://p.example:3128",
        HTTP_PROXY: "http://plain.example:80",
        NO_PROXY: ".corp,10.0.0.1",
      },
      cwd: "/",
    });
    expect(s.proxyFor(u("https://registry.npmjs.org/x"))?.href).toBe("http://p.example:3128/");
    expect(s.proxyFor(u("http://registry.local/x"))?.href).toBe("http://plain.example/");
    expect(s.proxyFor(u("https://npm.corp/x"))).toBeUndefined();
    expect(s.proxyFor(u("https://10.0.0.1/x"))).toBeUndefined();
    const npmWins = resolveNpmSettings({
      packageName: PKG,
      env: { HTTPS_PROXY: "http://env.example:1", npm_config_https_proxy: "http://npm.example:2" },
      cwd: "/",
    });
    expect(npmWins.proxyFor(u("https://r.example/"))?.host).toBe("npm.example:2");
    expect(
      resolveNpmSettings({ packageName: PKG, env: {}, cwd: "/" }).proxyFor(u("https://r.example/")),
    ).toBe(undefined);
  });

  it("a proxy or registry that is not a URL is an InvalidInputError saying what to set", () => {
    const bad = () => resolveNpmSettings({ packageName: PKG, env: { HTTPS_PROXY: "proxy:3128" }, cwd: "/" });
    expect(bad).toThrowError(InvalidInputError);
    expect(bad).toThrowError('https-proxy (HTTPS_PROXY) "proxy:3128" is not a URL (http or https)');
    expect(() =>
      resolveNpmSettings({ packageName: PKG, env: { npm_config_registry: "r.example" }, cwd: "/" }),
    ).toThrowError(/npm registry "r.example" is not a URL/);
  });
});

describe("noProxyMatches", () => {
  it.each([
    ["*", "https://any.example/", true],
    ["example.com", "https://example.com/", true],
    ["example.com", "https://sub.example.com/", true],
    [".example.com", "https://sub.example.com/", true],
    ["example.com", "https://badexample.com/", false],
    ["127.0.0.1:8443", "https://127.0.0.1:8443/", true],
    ["127.0.0.1:8443", "https://127.0.0.1/", false],
    ["localhost, 127.0.0.1", "http://127.0.0.1:4873/", true],
    ["", "https://example.com/", false],
  ])("NO_PROXY=%j for %s → %s", (noProxy, url, expected) => {
    expect(noProxyMatches(noProxy, new URL(url))).toBe(expected);
  });
});
