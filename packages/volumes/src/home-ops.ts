/** init / status / clean of HAL9000_HOME, the TypeScript form of the seed's init-volumes.sh. */
import { constants } from "node:fs";
import { access, chmod, lstat, mkdir, readdir, realpath, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, relative, resolve } from "node:path";
import { checkConfig, defaultConfigText, readConfigText } from "./config.js";
import { type CredentialKind, inspectCredential } from "./credentials.js";
import { ConfigError, HomeError } from "./errors.js";
import type { HomeLayout } from "./home.js";
import { LABEL_ROLE } from "./labels.js";
import { locksDirPath } from "./lock.js";
import { SessionStore } from "./sessions.js";

/** The label every hal9000 Docker object carries. */
export const VOLUME_ROLE_LABEL = LABEL_ROLE;

/** The slice of dockerode cleanHome needs; a dockerode instance satisfies it. */
export interface VolumeClient {
  listVolumes(opts?: {
    filters?: { label?: string[] };
  }): Promise<{ Volumes?: { Name: string; Labels?: Record<string, string> | null }[] | null }>;
  getVolume(name: string): { remove(): Promise<unknown> };
}

export type HomeDirName = "home" | "config" | "sessions" | "logs" | "workers" | "secrets";

export interface HomeDirStatus {
  name: HomeDirName;
  path: string;
  exists: boolean;
  isDirectory: boolean;
  writable: boolean;
  /** Permission bits, e.g. 0o700, when it exists. */
  mode?: number;
}

export interface HomeProblem {
  path: string;
  message: string;
  hint: string;
  line?: number;
}

export interface HomeStatus {
  home: string;
  exists: boolean;
  /** No problems. */
  ok: boolean;
  dirs: HomeDirStatus[];
  config: { file: string; exists: boolean; errors: { line?: number; message: string; hint?: string }[] };
  sessions: { count: number; corrupt: { file: string; error: string }[] };
  workers: { count: number; names: string[] };
  /** The stored Anthropic credential, never its value. */
  credential: { present: boolean; kind?: CredentialKind; path?: string };
  problems: HomeProblem[];
}

const PRIVATE_MODE = 0o700;

function dirsOf(layout: HomeLayout): { name: HomeDirName; path: string; mode?: number }[] {
  return [
    { name: "home", path: layout.home },
    { name: "config", path: layout.config },
    { name: "sessions", path: layout.sessions },
    { name: "logs", path: layout.logs },
    { name: "workers", path: layout.workers },
    { name: "secrets", path: layout.secrets, mode: PRIVATE_MODE },
  ];
}

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (err) {
    if (
      (err as NodeJS.ErrnoException).code === "ENOENT" ||
      (err as NodeJS.ErrnoException).code === "ENOTDIR"
    ) {
      return undefined;
    }
    throw err;
  }
}

const notADirectory = (path: string) =>
  new HomeError(`${path} exists but is not a directory`, {
    hint: `move it aside (mv ${path} ${path}.bak), then run \`hal9000 volumes init\` again`,
  });

/** Who owns HAL9000_HOME (the files hal9000 makes for that user are theirs); undefined when it does not exist. */
export async function homeOwner(layout: HomeLayout): Promise<{ uid: number; gid: number } | undefined> {
  const s = await stat(layout.home).catch(() => undefined);
  return s && { uid: s.uid, gid: s.gid };
}

/** Create whatever is missing; idempotent; never overwrites an existing hal9000.conf. */
export async function initHome(layout: HomeLayout): Promise<{ created: string[] }> {
  const dirs = dirsOf(layout);
  // Check everything first so a blocked path changes nothing.
  for (const d of dirs) {
    const s = await statOrUndefined(d.path);
    if (s && !s.isDirectory()) throw notADirectory(d.path);
  }
  const conf = await statOrUndefined(layout.configFile);
  if (conf && !conf.isFile()) {
    throw new HomeError(`${layout.configFile} exists but is not a file`, {
      hint: `move it aside (mv ${layout.configFile} ${layout.configFile}.bak), then run \`hal9000 volumes init\` again`,
    });
  }

  const created: string[] = [];
  for (const d of dirs) {
    if (!(await statOrUndefined(d.path))) {
      await mkdir(d.path, { recursive: true, mode: d.mode ?? 0o755 });
      created.push(d.path);
    }
    // mkdir's mode passes through the umask, and an old secrets/ may be too open.
    if (d.mode !== undefined) await chmod(d.path, d.mode);
  }
  if (!conf) {
    try {
      await writeFile(layout.configFile, defaultConfigText(), { flag: "wx", mode: 0o644 });
      created.push(layout.configFile);
    } catch (err) {
      // Someone wrote it in the meantime: theirs wins.
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  return { created };
}

async function isWritable(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** What exists under HAL9000_HOME and what is wrong with it. Never throws for a broken home. */
export async function homeStatus(layout: HomeLayout): Promise<HomeStatus> {
  const problems: HomeProblem[] = [];
  const dirs: HomeDirStatus[] = [];
  for (const d of dirsOf(layout)) {
    let s: Awaited<ReturnType<typeof statOrUndefined>>;
    try {
      s = await statOrUndefined(d.path);
    } catch (err) {
      problems.push({
        path: d.path,
        message: `${d.path} cannot be inspected (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
        hint: "check the permissions of the directories above it",
      });
      dirs.push({ name: d.name, path: d.path, exists: false, isDirectory: false, writable: false });
      continue;
    }
    const isDirectory = s?.isDirectory() ?? false;
    const writable = isDirectory && (await isWritable(d.path));
    dirs.push({
      name: d.name,
      path: d.path,
      exists: s !== undefined,
      isDirectory,
      writable,
      ...(s ? { mode: s.mode & 0o777 } : {}),
    });
    if (!s) {
      // A missing home says it all; no need to list every sub-directory too.
      if (d.name === "home" || dirs[0]?.exists) {
        problems.push({
          path: d.path,
          message: d.name === "home" ? `HAL9000_HOME ${d.path} does not exist` : `${d.path} is missing`,
          hint: "run `hal9000 volumes init` to create it",
        });
      }
    } else if (!isDirectory) {
      problems.push({
        path: d.path,
        message: `${d.path} is not a directory`,
        hint: `move it aside (mv ${d.path} ${d.path}.bak), then run \`hal9000 volumes init\``,
      });
    } else if (!writable) {
      problems.push({
        path: d.path,
        message: `${d.path} is not writable`,
        hint: `give your user write access: chmod u+rwx ${d.path} (or chown it to yourself)`,
      });
    }
    if (s && isDirectory && d.mode !== undefined && (s.mode & 0o077) !== 0) {
      problems.push({
        path: d.path,
        message: `${d.path} is accessible to other users (mode ${(s.mode & 0o777).toString(8)})`,
        hint: `chmod 700 ${d.path}`,
      });
    }
  }

  const config: HomeStatus["config"] = { file: layout.configFile, exists: false, errors: [] };
  try {
    const text = await readConfigText(layout.configFile);
    if (text !== undefined) {
      config.exists = true;
      config.errors = checkConfig(text, layout.configFile).errors.map(issue);
    }
  } catch (err) {
    config.exists = err instanceof ConfigError;
    config.errors = [err instanceof ConfigError ? issue(err) : { message: String(err) }];
  }
  for (const e of config.errors) {
    problems.push({
      path: layout.configFile,
      message: e.message,
      hint: e.hint ?? "fix hal9000.conf",
      line: e.line,
    });
  }

  const sessions: HomeStatus["sessions"] = { count: 0, corrupt: [] };
  if (dirs.find((d) => d.name === "sessions")?.isDirectory) {
    try {
      const listed = await new SessionStore(layout.sessions).list();
      sessions.count = listed.records.length;
      sessions.corrupt = listed.corrupt;
    } catch (err) {
      problems.push({
        path: layout.sessions,
        message: `cannot list session records (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
        hint: `check the permissions of ${layout.sessions}`,
      });
    }
  }
  for (const c of sessions.corrupt) {
    problems.push({
      path: c.file,
      message: `corrupt session record ${c.file}: ${c.error}`,
      hint: `delete it (rm ${c.file}); hal9000 recreates records for live workers`,
    });
  }

  const workers: HomeStatus["workers"] = { count: 0, names: [] };
  if (dirs.find((d) => d.name === "workers")?.isDirectory) {
    try {
      const entries = await readdir(layout.workers, { withFileTypes: true });
      workers.names = entries
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
      workers.count = workers.names.length;
    } catch (err) {
      problems.push({
        path: layout.workers,
        message: `cannot list worker homes (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
        hint: `check the permissions of ${layout.workers}`,
      });
    }
  }

  let credential: HomeStatus["credential"] = { present: false };
  if (dirs.find((d) => d.name === "secrets")?.isDirectory) {
    const { problems: credentialProblems, ...found } = await inspectCredential(layout);
    credential = found;
    problems.push(...credentialProblems);
  }

  return {
    home: layout.home,
    exists: dirs[0]?.exists ?? false,
    ok: problems.length === 0,
    dirs,
    config,
    sessions,
    workers,
    credential,
    problems,
  };
}

function issue(e: ConfigError): { line?: number; message: string; hint?: string } {
  return {
    ...(e.line !== undefined ? { line: e.line } : {}),
    message: e.message,
    ...(e.hint ? { hint: e.hint } : {}),
  };
}

function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

async function realOrResolved(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return resolve(path);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Remove what hal9000 created (its directories, hal9000.conf, its labelled Docker volumes) and
 * nothing else: never outside HAL9000_HOME, never files a user put there, only with `confirm`.
 */
export async function cleanHome(
  layout: HomeLayout,
  opts: { confirm: boolean; volumes?: VolumeClient },
): Promise<{ removed: string[]; skipped: string[] }> {
  if (opts.confirm !== true) {
    throw new HomeError(`cleaning ${layout.home} requires confirmation; nothing was removed`, {
      code: "CONFIRMATION_REQUIRED",
      hint: "confirm explicitly (pass confirm: true, or --yes on the command line)",
    });
  }
  const home = await realOrResolved(layout.home);
  const userHome = await realOrResolved(homedir());
  if (home === "/" || home === userHome || isInside(home, userHome)) {
    throw new HomeError(
      `refusing to clean ${layout.home}: it is ${home === "/" ? "the root directory" : "your home directory or above it"}`,
      {
        code: "UNSAFE_PATH",
        hint: "set HAL9000_HOME (or --home) to hal9000's own directory, e.g. ~/.hal9000",
      },
    );
  }
  const homeExists = await exists(layout.home);
  // Only hal9000's own entries, and only those inside home (SESSIONS_DIR etc. may be absolute).
  const candidates = [
    layout.sessions,
    layout.logs,
    layout.workers,
    layout.secrets,
    layout.configFile,
    locksDirPath(layout),
  ];
  const targets = candidates.filter((p) => isInside(layout.home, p));
  const skipped = candidates.filter((p) => !isInside(layout.home, p));
  if (homeExists) {
    const present = await Promise.all(targets.map(exists));
    if (!present.some(Boolean)) {
      throw new HomeError(`refusing to clean ${layout.home}: it does not look like a hal9000 home`, {
        hint: "it has none of sessions/, logs/, workers/, secrets/, locks/, config/hal9000.conf; check HAL9000_HOME or --home",
      });
    }
  }

  const removed: string[] = [];
  if (opts.volumes) {
    const listed = await opts.volumes.listVolumes({ filters: { label: [VOLUME_ROLE_LABEL] } });
    const failed: string[] = [];
    // Filter again here: ownership is by label, whatever the client did with the filter.
    for (const v of listed.Volumes ?? []) {
      if (v.Labels?.[VOLUME_ROLE_LABEL] === undefined) continue;
      try {
        await opts.volumes.getVolume(v.Name).remove();
        removed.push(`volume:${v.Name}`);
      } catch (err) {
        failed.push(`${v.Name} (${(err as Error).message})`);
      }
    }
    if (failed.length > 0) {
      throw new HomeError(`could not remove Docker volumes: ${failed.join(", ")}; no files were removed`, {
        code: "CLEAN_FAILED",
        hint: "stop hal9000's workers and parent first (hal9000 stop-all; hal9000 parent stop), then clean again",
      });
    }
  }
  if (!homeExists) return { removed, skipped };

  for (const target of targets) {
    if (!(await exists(target))) continue;
    await rm(target, { recursive: true, force: true });
    removed.push(target);
  }
  // Leave config/ and home itself only if something of the user's is still in them.
  for (const dir of [layout.config, layout.home]) {
    try {
      await rmdir(dir);
      removed.push(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // EBUSY: home is a mount point (the parent's /root/.hal9000); it stays, emptied.
      if (code !== "ENOTEMPTY" && code !== "ENOENT" && code !== "EEXIST" && code !== "EBUSY") throw err;
    }
  }
  return { removed, skipped };
}
