import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { InvalidInputError } from "../vocabulary/errors.js";

/** Where things live inside hal9000's containers. */
export const PARENT_HOME_PATH = "/root/.hal9000";
export const CONTAINER_SOCKET_PATH = "/var/run/docker.sock";
/** The project's and the worker home's mount points are the home package's (worker-home/mounts.ts). */
export { WORKER_HOME_PATH, WORKSPACE_PATH } from "@hal9000/volumes";
/** Set in the parent container: the host path of the HAL9000_HOME mounted at PARENT_HOME_PATH. */
export const HOST_HOME_ENV = "HAL9000_HOST_HOME";

/**
 * Bind-mount sources are resolved by the Docker daemon on the host, so every source
 * must be a host path. On the host, local and host paths are the same; inside the
 * parent, HAL9000_HOME is mounted from HAL9000_HOST_HOME.
 */
export interface PathContext {
  /** HAL9000_HOME as this process sees it. */
  localHome: string;
  /** HAL9000_HOME on the Docker host. */
  hostHome: string;
  insideParent: boolean;
  /** Base for relative project paths. */
  cwd: string;
}

export interface Owner {
  uid: number;
  gid: number;
}

export function pathContext(localHome: string, env: NodeJS.ProcessEnv, cwd: string): PathContext {
  const hostHome = env[HOST_HOME_ENV];
  return hostHome
    ? { localHome, hostHome, insideParent: true, cwd }
    : { localHome, hostHome: localHome, insideParent: false, cwd };
}

/** The host path of a local path; paths outside HAL9000_HOME are taken to be the same on the host. */
export function toHostPath(ctx: PathContext, localPath: string): string {
  if (!ctx.insideParent) return localPath;
  const rel = path.relative(ctx.localHome, localPath);
  if (rel === "") return ctx.hostHome;
  if (rel.startsWith("..") || path.isAbsolute(rel)) return localPath;
  return path.posix.join(ctx.hostHome, rel.split(path.sep).join("/"));
}

export interface ProjectDir {
  /** Absolute host path, symlinks resolved when checkable. */
  hostPath: string;
  /** Who owns it, when it could be checked from here. */
  owner?: Owner;
}

/**
 * Resolves a project directory to the host path to bind-mount. On the host it must exist
 * and be a directory (relative paths against cwd, symlinks resolved). Inside the parent it
 * already is a host path the daemon will check.
 */
export async function resolveProject(ctx: PathContext, project: string): Promise<ProjectDir> {
  if (project.trim() === "") {
    throw new InvalidInputError("the project directory is empty", {
      hint: "give a directory to mount at /workspace, or leave it out",
    });
  }
  if (ctx.insideParent) {
    if (!path.posix.isAbsolute(project)) {
      throw new InvalidInputError(
        `project directory "${project}" is relative, but this runs inside the parent`,
        {
          hint: "inside the parent, give the project as an absolute path on the host, e.g. /home/you/project",
        },
      );
    }
    return { hostPath: path.posix.normalize(project).replace(/(.)\/+$/, "$1") };
  }
  const absolute = path.resolve(ctx.cwd, project);
  let real: string;
  try {
    real = await realpath(absolute);
  } catch (err) {
    throw projectError(project, absolute, err);
  }
  const st = await stat(real).catch((err: unknown) => {
    throw projectError(project, absolute, err);
  });
  if (!st.isDirectory()) {
    throw new InvalidInputError(`project "${project}" is not a directory (${real})`, {
      hint: "give the directory to mount at /workspace, not a file",
    });
  }
  return { hostPath: real, owner: { uid: st.uid, gid: st.gid } };
}

function projectError(project: string, absolute: string, err: unknown): InvalidInputError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") {
    return new InvalidInputError(
      `project directory "${project}" (${absolute}) is not accessible: permission denied`,
      {
        hint: "check the directory's permissions",
        cause: err,
      },
    );
  }
  return new InvalidInputError(`project directory "${project}" does not exist (${absolute})`, {
    hint: "check the path; a relative path is resolved against the current directory",
    cause: err,
  });
}

/** The owner of a local path, or undefined when it cannot be checked. */
export async function ownerOf(localPath: string): Promise<Owner | undefined> {
  try {
    const st = await stat(localPath);
    return { uid: st.uid, gid: st.gid };
  } catch {
    return undefined;
  }
}
