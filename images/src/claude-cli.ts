import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { chmod, mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { dirname, join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { BuildFailedError, InvalidInputError } from "@hal9000/core";
import { logFor } from "@hal9000/core/internal";
import type { BuildEvent } from "./build-event.js";
import { claudeCachePath, resolveCacheDir } from "./cache-dir.js";
import { HttpGetError, httpGet } from "./http-get.js";
import type { ImageTarget } from "./images.js";
import { integrityHasher, parseIntegrity, verifyIntegrity } from "./integrity.js";
import { DEFAULT_NPM_REGISTRY, type NpmSettings, resolveNpmSettings } from "./npm-config.js";
import { extractPackageFile } from "./tarball.js";

export { DEFAULT_NPM_REGISTRY };

const log = logFor("images:claude");

/** The Claude CLI version baked into worker images unless told otherwise. */
export const DEFAULT_CLAUDE_VERSION = "2.1.332";
export const CLAUDE_PACKAGE = "@anthropic-ai/claude-code";

/** Platforms of the glibc builds of the Claude CLI (the images are Debian). */
export type ClaudePlatform = "linux-x64" | "linux-arm64";

export interface FetchClaudeOptions {
  /** Exact version or dist-tag. Default: env HAL9000_CLAUDE_VERSION, then DEFAULT_CLAUDE_VERSION. */
  version?: string;
  /** hal9000 cache root. Default: resolveCacheDir(env). */
  cacheDir?: string;
  signal?: AbortSignal;
  onProgress?: (e: BuildEvent) => void;
  /** Default: the platform of this machine (buildImages passes the Docker daemon's). */
  platform?: ClaudePlatform;
  /**
   * npm registry URL. Default: what npm would use for the package: npm_config_registry (or
   * `@anthropic-ai:registry`), the project's then the user's .npmrc, then the public registry.
   * Credentials (`//host/:_authToken`), HTTPS_PROXY/NO_PROXY (or `https-proxy`/`noproxy`),
   * `cafile` and `strict-ssl` come from the same places.
   */
  registry?: string;
  /** The whole environment read (HOME for ~/.npmrc, npm_config_*, proxies). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where the project .npmrc is looked for (npm's project folder of it). Default process.cwd(). */
  cwd?: string;
  /** Which image the progress events are reported for. Default "worker". */
  target?: ImageTarget;
}

export interface FetchedClaudeCli {
  /** Absolute path of the cached executable. */
  binary: string;
  version: string;
  /** The registry's SRI hash of the package tarball the binary came from. */
  integrity: string;
  cached: boolean;
}

interface CacheMeta {
  package: string;
  version: string;
  platform: ClaudePlatform;
  integrity: string;
  tarball: string;
  size: number;
}

/** Maps Node's `process.arch` or Docker's `Arch` ("amd64", "arm64", "aarch64") to a Claude platform. */
export function claudePlatformFor(arch: string): ClaudePlatform {
  if (arch === "x64" || arch === "amd64" || arch === "x86_64") return "linux-x64";
  if (arch === "arm64" || arch === "aarch64") return "linux-arm64";
  throw new InvalidInputError(`the Claude CLI has no Linux build for the ${arch} architecture`, {
    hint: "hal9000 images can be built for x86_64 (amd64) and arm64 Docker engines",
  });
}

export function claudePlatformPackage(platform: ClaudePlatform): string {
  return `${CLAUDE_PACKAGE}-${platform}`;
}

/** option > HAL9000_CLAUDE_VERSION > DEFAULT_CLAUDE_VERSION; rejects anything that is not a version or tag. */
export function resolveClaudeVersion(version?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = (version ?? env.HAL9000_CLAUDE_VERSION ?? "").trim() || DEFAULT_CLAUDE_VERSION;
  if (!/^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/.test(chosen)) {
    throw new InvalidInputError(`"${chosen}" is not a Claude CLI version`, {
      hint: `give an exact version such as ${DEFAULT_CLAUDE_VERSION}, or a dist-tag such as latest`,
    });
  }
  return chosen;
}

/** The registry the Claude CLI comes from: option > npm settings (see FetchClaudeOptions.registry); ends with "/". */
export function resolveRegistry(
  registry?: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd?: string,
): string {
  return resolveNpmSettings({ packageName: CLAUDE_PACKAGE, registry, env, cwd }).registry;
}

const isExactVersion = (v: string) => /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/.test(v);

/**
 * The Claude CLI native binary for `platform`, from the cache or else from the npm
 * registry: reads the packument, downloads the tarball, checks it against the
 * registry's `dist.integrity`, extracts `claude`. Writes go to temp files renamed into
 * place, so an abort or a failed check leaves nothing behind.
 */
export async function fetchClaudeCli(opts: FetchClaudeOptions = {}): Promise<FetchedClaudeCli> {
  const env = opts.env ?? process.env;
  const target = opts.target ?? "worker";
  const emit = (message: string) => opts.onProgress?.({ target, kind: "fetch", message });
  const requested = resolveClaudeVersion(opts.version, env);
  const platform = opts.platform ?? claudePlatformFor(process.arch);
  const cacheDir = opts.cacheDir ?? resolveCacheDir(env);
  const pkg = claudePlatformPackage(platform);
  opts.signal?.throwIfAborted();

  if (isExactVersion(requested)) {
    const hit = await readCache(cacheDir, requested, platform);
    if (hit) {
      emit(`Claude CLI ${requested} (${platform}) from cache ${hit.binary}`);
      return hit;
    }
  }

  const npm = resolveNpmSettings({ packageName: pkg, registry: opts.registry, env, cwd: opts.cwd });
  const registry = npm.registry;
  const proxy = npm.proxyFor(new URL(registry));
  emit(`resolving ${pkg}@${requested} on ${registry}${proxy ? ` through the proxy ${proxy.host}` : ""}`);
  const { version, integrity, tarball } = await readPackument(npm, pkg, requested, opts.signal);
  if (version !== requested) {
    const hit = await readCache(cacheDir, version, platform);
    if (hit) {
      emit(`Claude CLI ${version} (${platform}) from cache ${hit.binary}`);
      return hit;
    }
  }

  const binary = claudeCachePath(cacheDir, version, platform);
  const dir = dirname(binary);
  await mkdir(dir, { recursive: true });
  await sweepStaleTemps(dir);
  const suffix = randomBytes(6).toString("hex");
  const tgz = join(dir, `.download-${suffix}.tgz`);
  const tmpBinary = join(dir, `.claude-${suffix}.tmp`);
  let done = false;
  try {
    const expected = parseIntegrity(integrity, `${pkg}@${version}`);
    const hash = integrityHasher(expected);
    await download(npm, tarball, tgz, hash, opts.signal, (m) => emit(`${pkg}@${version}: ${m}`));
    const sri = verifyIntegrity(expected, hash, `${pkg}@${version} (${tarball})`);
    emit(`verified ${sri.slice(0, 20)}…; extracting claude`);
    const { size } = await extractPackageFile(tgz, "claude", tmpBinary, opts.signal);
    await chmod(tmpBinary, 0o755);
    const meta: CacheMeta = { package: pkg, version, platform, integrity: sri, tarball, size };
    await writeFile(`${tmpBinary}.json`, `${JSON.stringify(meta, null, 2)}\n`);
    await rename(`${tmpBinary}.json`, metaPath(binary));
    // The binary's rename is the commit point: readCache trusts only a present binary.
    await rename(tmpBinary, binary);
    done = true;
    emit(`Claude CLI ${version} (${platform}) cached at ${binary}`);
    return { binary, version, integrity: sri, cached: false };
  } finally {
    await Promise.all([tgz, tmpBinary, `${tmpBinary}.json`].map((f) => rm(f, { force: true })));
    if (!done) await removeEmptyDirs(dir, cacheDir);
  }
}

async function readCache(
  cacheDir: string,
  version: string,
  platform: ClaudePlatform,
): Promise<FetchedClaudeCli | undefined> {
  const binary = claudeCachePath(cacheDir, version, platform);
  try {
    const [info, text] = await Promise.all([stat(binary), readFile(metaPath(binary), "utf8")]);
    const meta = JSON.parse(text) as CacheMeta;
    if (!info.isFile() || info.size !== meta.size || meta.version !== version) return undefined;
    return { binary, version, integrity: meta.integrity, cached: true };
  } catch {
    return undefined;
  }
}

const metaPath = (binary: string) => `${binary}.json`;

interface PackumentVersion {
  version: string;
  dist?: { integrity?: string; tarball?: string };
}

/** Where the npm settings came from, for hints. */
const settingsHint = (npm: NpmSettings) =>
  npm.files.length ? ` (npm settings read: environment, ${npm.files.join(", ")})` : "";

/** A network failure as a BuildFailedError that says whether the proxy or the registry failed. */
function unreachable(err: unknown, what: string, npm: NpmSettings, signal?: AbortSignal): never {
  signal?.throwIfAborted();
  const viaProxy = err instanceof HttpGetError && err.via;
  const code = String(((err as Error).cause as { code?: unknown } | undefined)?.code ?? "");
  const certificate = /CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS|ERR_SSL/.test(code);
  throw new BuildFailedError(`${what}: ${(err as Error).message}`, {
    hint: certificate
      ? `if the registry (or a proxy) uses a company CA, point cafile= in .npmrc at it${settingsHint(npm)}`
      : viaProxy
        ? `check HTTPS_PROXY / https-proxy, or list the registry's host in NO_PROXY${settingsHint(npm)}`
        : `check the network, or point npm_config_registry (or registry= in .npmrc) at a reachable registry${settingsHint(npm)}`,
    cause: err,
  });
}

async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function readPackument(
  npm: NpmSettings,
  pkg: string,
  requested: string,
  signal?: AbortSignal,
): Promise<{ version: string; integrity: string | undefined; tarball: string }> {
  const registry = npm.registry;
  const url = new URL(pkg.replace("/", "%2f"), registry).href;
  let res: IncomingMessage;
  let text: string;
  try {
    res = await httpGet(url, {
      headers: { accept: "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8" },
      signal,
      net: npm,
    });
    text = await readBody(res);
  } catch (err) {
    unreachable(err, `cannot reach the npm registry at ${registry}`, npm, signal);
  }
  const status = res.statusCode ?? 0;
  if (status === 404) {
    throw new BuildFailedError(`${pkg} is not on the npm registry ${registry}`, {
      hint: `check npm_config_registry (or registry= in .npmrc): it must serve (or proxy) the public npm packages${settingsHint(npm)}`,
    });
  }
  if (status === 401 || status === 403) {
    throw new BuildFailedError(
      `the npm registry ${registry} refused ${pkg}: ${status} ${res.statusMessage ?? ""}`.trim(),
      {
        hint: `log in with \`npm login --registry ${registry}\`, or set //${new URL(registry).host}/:_authToken in .npmrc${settingsHint(npm)}`,
      },
    );
  }
  if (status < 200 || status >= 300) {
    throw new BuildFailedError(`the npm registry answered ${status} ${res.statusMessage ?? ""} for ${url}`, {
      hint: `retry later, or check npm_config_registry${settingsHint(npm)}`,
    });
  }
  let doc: { "dist-tags"?: Record<string, string>; versions?: Record<string, PackumentVersion> };
  try {
    doc = JSON.parse(text);
  } catch {
    throw new BuildFailedError(`the npm registry ${registry} sent no JSON for ${pkg}`, {
      hint: `check npm_config_registry: it must be an npm registry${settingsHint(npm)}`,
    });
  }
  const version = doc.versions?.[requested] ? requested : doc["dist-tags"]?.[requested];
  const entry = version ? doc.versions?.[version] : undefined;
  if (!version || !entry) {
    throw new InvalidInputError(`Claude CLI version "${requested}" does not exist (${pkg})`, {
      hint: `use an exact version (latest is ${doc["dist-tags"]?.latest ?? "unknown"}) or a dist-tag`,
    });
  }
  if (!entry.dist?.tarball) {
    throw new BuildFailedError(`the registry lists no tarball for ${pkg}@${version}`, {
      hint: "check npm_config_registry",
    });
  }
  log("%s@%s: %s", pkg, version, entry.dist.tarball);
  return { version, integrity: entry.dist.integrity, tarball: entry.dist.tarball };
}

async function download(
  net: NpmSettings,
  url: string,
  dest: string,
  hash: { update(chunk: Buffer): unknown },
  signal: AbortSignal | undefined,
  report: (message: string) => void,
): Promise<void> {
  let res: IncomingMessage;
  try {
    res = await httpGet(url, { signal, net });
  } catch (err) {
    unreachable(err, `cannot download ${url}`, net, signal);
  }
  const status = res.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    res.resume();
    throw new BuildFailedError(`downloading ${url} failed: ${status} ${res.statusMessage ?? ""}`.trim(), {
      hint: `retry later, or check npm_config_registry${settingsHint(net)}`,
    });
  }
  const total = Number(res.headers["content-length"]) || 0;
  const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
  report(`downloading ${total ? mb(total) : "(size unknown)"}`);
  let received = 0;
  let nextReport = 0.1;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      received += chunk.length;
      if (total && received / total >= nextReport) {
        report(`${Math.floor((received / total) * 100)}% (${mb(received)} of ${mb(total)})`);
        nextReport = Math.floor((received / total) * 10) / 10 + 0.1;
      }
      cb(null, chunk);
    },
  });
  await pipeline(res, meter, createWriteStream(dest, { mode: 0o600 }), { signal });
}

/** Temp files a killed process left behind (anything older than an hour). */
async function sweepStaleTemps(dir: string): Promise<void> {
  const cutoff = Date.now() - 3600_000;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(".download-") && !name.startsWith(".claude-")) continue;
    const file = join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (info && info.mtimeMs < cutoff) await rm(file, { force: true });
  }
}

/** After a failure: drop the <version>/<platform> folders if this call left them empty. */
async function removeEmptyDirs(dir: string, cacheDir: string): Promise<void> {
  const stop = join(cacheDir, "claude-code");
  for (let d = dir; d.startsWith(stop) && d !== stop; d = dirname(d)) {
    try {
      await rmdir(d);
    } catch {
      return;
    }
  }
}
