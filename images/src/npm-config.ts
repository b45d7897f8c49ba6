/**
 * The npm settings a user already has, read the way npm reads them, so the Claude CLI download
 * goes where `npm install` would: `npm_config_*` environment variables > the project's .npmrc >
 * the user's .npmrc (`npm_config_userconfig`, default ~/.npmrc). Covers the registry (with the
 * package scope's own `@scope:registry`), per-registry credentials (`//host/path/:_authToken`,
 * `:_auth`, `:username` + `:_password`), `https-proxy` / `proxy` / `noproxy` (defaulting to
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY), `cafile` and `strict-ssl`. `${VAR}` in a value is
 * replaced from the environment, as npm does.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { InvalidInputError } from "@hal9000/core";

export const DEFAULT_NPM_REGISTRY = "https://registry.npmjs.org/";

export interface NpmSettings {
  /** Registry for the package asked about; always ends with "/". */
  registry: string;
  /** The proxy to use for `url`, or undefined to go direct (no proxy set, or NO_PROXY matches). */
  proxyFor(url: URL): URL | undefined;
  /** The Authorization header value npm would send to `url`, if any credential matches it. */
  authFor(url: URL): string | undefined;
  /** Extra CA certificates (PEM) from `cafile`. */
  ca: string | undefined;
  strictSSL: boolean;
  /** The .npmrc files read, for messages (never the values of credentials). */
  files: string[];
}

export interface NpmSettingsOptions {
  /** Package name, for its scope's registry (`@anthropic-ai:registry`). */
  packageName: string;
  /** Overrides every configured registry. */
  registry?: string;
  /** The whole environment read (HOME, npm_config_*, proxies). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where the project .npmrc is looked for. Default process.cwd(). */
  cwd?: string;
}

type Config = Map<string, string>;

/** Parses .npmrc text (ini: key=value, ; and # comments, optional quotes, ${VAR} expansion). */
export function parseNpmrc(text: string, env: NodeJS.ProcessEnv): Config {
  const config: Config = new Map();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith(";") || line.startsWith("#") || line.startsWith("[")) continue;
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const key = expand(line.slice(0, eq).trim(), env);
    let value = line.slice(eq + 1).trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    config.set(key, expand(value, env));
  }
  return config;
}

/** `${VAR}` (and npm's `${VAR?}`, empty when unset) from the environment; `\${VAR}` stays literal. */
function expand(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(
    /(\\*)\$\{([^}?]+)(\?)?\}/g,
    (all, slashes: string, name: string, optional?: string) => {
      if (slashes.length % 2) return all.slice(1);
      const v = env[name];
      if (v === undefined && !optional) return all;
      return `${slashes.slice(slashes.length / 2)}${v ?? ""}`;
    },
  );
}

/** npm_config_<key> (any case; `_` stands for `-` except a leading one) as config keys. */
function envConfig(env: NodeJS.ProcessEnv): Config {
  const config: Config = new Map();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !/^npm_config_/i.test(name)) continue;
    const key = name
      .slice("npm_config_".length)
      .toLowerCase()
      .replace(/(?!^)_/g, "-");
    if (key) config.set(key, value);
  }
  return config;
}

/** npm's project folder: the nearest ancestor holding package.json or node_modules. */
function projectDir(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) || existsSync(join(dir, "node_modules"))) return dir;
    if (dirname(dir) === dir) return resolve(cwd);
  }
}

function readNpmrc(file: string, env: NodeJS.ProcessEnv): Config | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  return parseNpmrc(text, env);
}

function toUrl(raw: string, what: string, hint: string): URL {
  try {
    const url = new URL(raw);
    if (url.protocol === "http:" || url.protocol === "https:") return url;
  } catch {}
  throw new InvalidInputError(`${what} "${raw}" is not a URL (http or https)`, { hint });
}

/** "//host[:port]/path/" as npm keys credentials ("nerf dart"). */
const nerfDart = (url: URL) => `//${url.host}${url.pathname.replace(/[^/]*$/, "")}`;

/** Does NO_PROXY (comma or space separated; `*`, host, .domain, host:port) exclude `url`? */
export function noProxyMatches(noProxy: string, url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === "*") return true;
      const m = /^(.*?)(?::(\d+))?$/.exec(entry.toLowerCase()) as RegExpExecArray;
      const name = (m[1] ?? "").replace(/^\*?\./, "").replace(/^\[|\]$/g, "");
      if (m[2] && m[2] !== port) return false;
      return host === name || host.endsWith(`.${name}`);
    });
}

export function resolveNpmSettings(opts: NpmSettingsOptions): NpmSettings {
  const env = opts.env ?? process.env;
  const fromEnv = envConfig(env);
  const home = env.HOME ?? env.USERPROFILE;
  const userFile = fromEnv.get("userconfig") ?? (home ? join(home, ".npmrc") : undefined);
  const projectFile = join(projectDir(opts.cwd ?? process.cwd()), ".npmrc");
  const layers: Config[] = [fromEnv];
  const files: string[] = [];
  for (const file of new Set([projectFile, userFile])) {
    const config = file ? readNpmrc(file, env) : undefined;
    if (file && config) {
      layers.push(config);
      files.push(file);
    }
  }
  const get = (key: string): string | undefined => {
    for (const config of layers) {
      const v = config.get(key);
      if (v !== undefined && v !== "") return v;
    }
    return undefined;
  };
  const where = files.length ? ` (npm settings read: environment, ${files.join(", ")})` : "";

  const scope = opts.packageName.startsWith("@") ? opts.packageName.split("/")[0] : undefined;
  const rawRegistry =
    opts.registry ??
    (scope ? get(`${scope}:registry`) : undefined) ??
    get("registry") ??
    DEFAULT_NPM_REGISTRY;
  const registryUrl = toUrl(
    rawRegistry,
    "npm registry",
    `set registry= in .npmrc or npm_config_registry to an http(s) URL, e.g. ${DEFAULT_NPM_REGISTRY}${where}`,
  );
  const registry = registryUrl.href.endsWith("/") ? registryUrl.href : `${registryUrl.href}/`;

  const proxyHint = `set it to a URL such as http://proxy.example:3128 (user:password@ for a proxy that asks)${where}`;
  const httpsProxyRaw = get("https-proxy") ?? env.HTTPS_PROXY ?? env.https_proxy;
  const httpProxyRaw = get("proxy") ?? env.HTTP_PROXY ?? env.http_proxy;
  const httpsProxy = httpsProxyRaw ? toUrl(httpsProxyRaw, "https-proxy (HTTPS_PROXY)", proxyHint) : undefined;
  const httpProxy = httpProxyRaw ? toUrl(httpProxyRaw, "proxy (HTTP_PROXY)", proxyHint) : undefined;
  const noProxy = get("noproxy") ?? env.NO_PROXY ?? env.no_proxy ?? "";

  const cafile = get("cafile");
  let ca: string | undefined;
  if (cafile) {
    try {
      ca = readFileSync(cafile, "utf8");
    } catch (err) {
      throw new InvalidInputError(`cannot read the npm cafile ${cafile}: ${(err as Error).message}`, {
        hint: `fix or remove cafile${where}`,
      });
    }
  }

  return {
    registry,
    files,
    ca,
    strictSSL: get("strict-ssl") !== "false",
    proxyFor(url) {
      const proxy = url.protocol === "https:" ? (httpsProxy ?? httpProxy) : httpProxy;
      return proxy && !noProxyMatches(noProxy, url) ? proxy : undefined;
    },
    authFor(url) {
      // The longest configured //host/path/ prefix of the URL wins, as in npm.
      for (let dart = nerfDart(url); dart.length > 2; dart = dart.replace(/[^/]*\/$/, "")) {
        const token = get(`${dart}:_authToken`);
        if (token) return `Bearer ${token}`;
        const auth = get(`${dart}:_auth`);
        if (auth) return `Basic ${auth}`;
        const user = get(`${dart}:username`);
        const password = get(`${dart}:_password`);
        if (user && password) {
          const plain = Buffer.from(password, "base64").toString("utf8");
          return `Basic ${Buffer.from(`${user}:${plain}`).toString("base64")}`;
        }
      }
      return undefined;
    },
  };
}
