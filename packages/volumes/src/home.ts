/** Where HAL9000_HOME is and what lives in it. */
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { CONFIG_DIR_NAME, configFilePath } from "./config.js";
import { HomeError } from "./errors.js";
import { pseudoFilesystemOf } from "./home-path.js";

export interface HomeLayout {
  home: string;
  sessions: string;
  logs: string;
  config: string;
  configFile: string;
  workers: string;
  secrets: string;
}

export const DEFAULT_HOME_NAME = ".hal9000";
export const SECRETS_DIR_NAME = "secrets";

function expandTilde(p: string): string {
  if (p === "~") return homedir();
  if (p.startsWith("~/")) return join(homedir(), p.slice(2));
  return p;
}

/** flag > env HAL9000_HOME > ~/.hal9000; always absolute. A home on /proc or /sys throws HomeError. */
export function resolveHome(opts: { flag?: string; env?: NodeJS.ProcessEnv } = {}): string {
  if (opts.flag !== undefined) {
    if (opts.flag.trim() === "") {
      throw new HomeError("the --home flag is empty", { hint: "pass a directory, e.g. --home ~/.hal9000" });
    }
    return usableHome(resolve(expandTilde(opts.flag.trim())), "--home");
  }
  const env = (opts.env ?? process.env).HAL9000_HOME;
  if (env !== undefined && env.trim() !== "")
    return usableHome(resolve(expandTilde(env.trim())), "HAL9000_HOME");
  return join(homedir(), DEFAULT_HOME_NAME);
}

/** `home` unless it lies on a pseudo-filesystem; `given` says where it came from. */
function usableHome(home: string, given: "--home" | "HAL9000_HOME"): string {
  const fs = pseudoFilesystemOf(home);
  if (fs !== undefined) {
    throw new HomeError(
      `${given} ${home} is on ${fs}, a kernel pseudo-filesystem where no files can be stored`,
      { hint: "set HAL9000_HOME (or --home) to a directory on disk, e.g. ~/.hal9000" },
    );
  }
  return home;
}

/** sessionsDir/logsDir/workersDir from the config, relative to home or absolute. */
export function homeLayout(
  home: string,
  dirs: { sessionsDir?: string; logsDir?: string; workersDir?: string } = {},
): HomeLayout {
  const root = resolve(home);
  const under = (p: string | undefined, fallback: string) =>
    p === undefined || p === "" ? join(root, fallback) : isAbsolute(p) ? resolve(p) : resolve(root, p);
  return {
    home: root,
    sessions: under(dirs.sessionsDir, "sessions"),
    logs: under(dirs.logsDir, "logs"),
    config: join(root, CONFIG_DIR_NAME),
    configFile: configFilePath(root),
    workers: under(dirs.workersDir, "workers"),
    secrets: join(root, SECRETS_DIR_NAME),
  };
}
