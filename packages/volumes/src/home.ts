/** Where HAL9000_HOME is and what lives in it. */
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { CONFIG_DIR_NAME, configFilePath } from "./config.js";
import { HomeError } from "./errors.js";

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

/** flag > env HAL9000_HOME > ~/.hal9000; always absolute. */
export function resolveHome(opts: { flag?: string; env?: NodeJS.ProcessEnv } = {}): string {
  if (opts.flag !== undefined) {
    if (opts.flag.trim() === "") {
      throw new HomeError("the --home flag is empty", { hint: "pass a directory, e.g. --home ~/.hal9000" });
    }
    return resolve(expandTilde(opts.flag.trim()));
  }
  const env = (opts.env ?? process.env).HAL9000_HOME;
  if (env !== undefined && env.trim() !== "") return resolve(expandTilde(env.trim()));
  return join(homedir(), DEFAULT_HOME_NAME);
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
