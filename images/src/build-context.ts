import { createReadStream } from "node:fs";
import { chmod, copyFile, link, mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pack as tarPack } from "tar-stream";
import { IMAGES, type ImageTarget, packageRoot } from "./images.js";

export interface ContextInputs {
  /** The bundled hal9000 CLI (parent only). */
  cliBundle?: string;
  /** The Claude CLI binary (workers only). */
  claudeBinary?: string;
  /** Where the temp folder is made. Default: the OS temp dir. */
  workDir?: string;
  /** Package root holding the Dockerfiles, scripts/ and tmux-dashboard.conf. Default: this package. */
  root?: string;
}

/**
 * Lays out the build context of one image in a fresh temp folder (the caller removes it):
 *   parent:  Dockerfile, scripts/*.sh, tmux-dashboard.conf, hal9000.cjs
 *   workers: Dockerfile, claude
 */
export async function prepareContext(target: ImageTarget, inputs: ContextInputs): Promise<string> {
  const root = inputs.root ?? packageRoot();
  const dir = await mkdtemp(join(inputs.workDir ?? tmpdir(), `hal9000-build-${target}-`));
  try {
    await copyFile(join(root, IMAGES[target].dockerfile), join(dir, "Dockerfile"));
    if (target === "parent") {
      if (!inputs.cliBundle) throw new Error("prepareContext(parent) needs cliBundle");
      await copyFile(join(root, "tmux-dashboard.conf"), join(dir, "tmux-dashboard.conf"));
      await mkdir(join(dir, "scripts"));
      for (const name of await readdir(join(root, "scripts"))) {
        if (!name.endsWith(".sh")) continue;
        await copyFile(join(root, "scripts", name), join(dir, "scripts", name));
        // Executable whatever the checkout or the npm install did to the mode bits.
        await chmod(join(dir, "scripts", name), 0o755);
      }
      await copyFile(inputs.cliBundle, join(dir, "hal9000.cjs"));
      await chmod(join(dir, "hal9000.cjs"), 0o644);
    } else {
      if (!inputs.claudeBinary) throw new Error(`prepareContext(${target}) needs claudeBinary`);
      // The binary is ~400 MB: a hard link costs nothing when the cache is on the same disk.
      await link(inputs.claudeBinary, join(dir, "claude")).catch(() =>
        copyFile(inputs.claudeBinary as string, join(dir, "claude")),
      );
      await chmod(join(dir, "claude"), 0o755);
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return dir;
}

/**
 * A folder as an uncompressed tar stream for the daemon. Owners and mtimes are fixed so
 * the same files always give the same archive; modes are kept (COPY preserves them, and
 * the classic builder has no --chmod).
 */
export function packContext(dir: string): Readable {
  const pack = tarPack();
  const mtime = new Date(0);
  const add = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      const name = relative(dir, path).split("\\").join("/");
      const info = await stat(path);
      const header = { name, mode: info.mode & 0o7777, mtime, uid: 0, gid: 0 };
      if (info.isDirectory()) {
        pack.entry({ ...header, type: "directory" });
        await add(path);
      } else if (info.isFile()) {
        const sink = pack.entry({ ...header, type: "file", size: info.size });
        await pipeline(createReadStream(path), sink);
      }
    }
  };
  add(dir).then(
    () => pack.finalize(),
    (err: Error) => pack.destroy(err),
  );
  return pack as unknown as Readable;
}
