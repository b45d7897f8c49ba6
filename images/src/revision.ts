import { readFile, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";

/**
 * The git commit of the source tree holding `from` (read from .git directly: no git
 * binary needed), or "unknown" outside a checkout, e.g. when installed from npm.
 */
export async function sourceRevision(from: string): Promise<string> {
  // An installed copy would otherwise report the commit of the project that installed it.
  if (resolve(from).split(/[\\/]/).includes("node_modules")) return "unknown";
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const gitDir = await findGitDir(join(dir, ".git"));
    if (gitDir) return (await readHead(gitDir)) ?? "unknown";
    if (dirname(dir) === dir) return "unknown";
  }
}

async function findGitDir(dotGit: string): Promise<string | undefined> {
  const info = await stat(dotGit).catch(() => undefined);
  if (info?.isDirectory()) return dotGit;
  if (info?.isFile()) {
    // A worktree or submodule: ".git" is a file saying "gitdir: <path>".
    const m = /^gitdir:\s*(.+)$/m.exec(await readFile(dotGit, "utf8"));
    if (m?.[1]) return isAbsolute(m[1].trim()) ? m[1].trim() : resolve(dirname(dotGit), m[1].trim());
  }
  return undefined;
}

async function readHead(gitDir: string): Promise<string | undefined> {
  const head = (await readFile(join(gitDir, "HEAD"), "utf8").catch(() => "")).trim();
  if (/^[0-9a-f]{40,64}$/.test(head)) return head;
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  if (!ref) return undefined;
  // Linked worktrees keep refs in the common dir.
  const common = (await readFile(join(gitDir, "commondir"), "utf8").catch(() => "")).trim();
  const dirs = common ? [gitDir, resolve(gitDir, common)] : [gitDir];
  for (const d of dirs) {
    const loose = (await readFile(join(d, ref), "utf8").catch(() => "")).trim();
    if (/^[0-9a-f]{40,64}$/.test(loose)) return loose;
    const packed = await readFile(join(d, "packed-refs"), "utf8").catch(() => "");
    for (const line of packed.split("\n")) {
      const [sha, name] = line.trim().split(" ");
      if (name === ref && sha && /^[0-9a-f]{40,64}$/.test(sha)) return sha;
    }
  }
  return undefined;
}
