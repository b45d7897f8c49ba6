import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";
import { afterEach } from "vitest";

export interface TarFile {
  name: string;
  content?: string | Buffer;
  mode?: number;
  type?: "file" | "directory" | "symlink";
  linkname?: string;
}

/** A gzipped tarball like `npm pack` makes, built in memory. */
export async function makeTarball(files: TarFile[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c) => chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    p.on("end", resolve);
    p.on("error", reject);
  });
  for (const f of files) {
    const type = f.type ?? "file";
    if (type === "file") p.entry({ name: f.name, mode: f.mode ?? 0o644 }, f.content ?? "");
    else p.entry({ name: f.name, type, mode: f.mode ?? 0o755, ...(f.linkname && { linkname: f.linkname }) });
  }
  p.finalize();
  await ended;
  return gzipSync(Buffer.concat(chunks));
}

/** A fresh temp folder per call, removed after the test. */
const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
export async function tempDir(prefix = "hal9000-images-test-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
