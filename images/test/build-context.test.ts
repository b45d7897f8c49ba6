import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { extract } from "tar-stream";
import { describe, expect, it } from "vitest";
import { packContext, prepareContext } from "../src/build-context.js";
import { tempDir } from "./helpers.js";

/** A package root as installed from npm: scripts not executable (a checkout or install may lose the bit). */
async function fakeRoot(): Promise<string> {
  const root = await tempDir();
  for (const f of ["Dockerfile.parent", "Dockerfile.worker-ultramin", "Dockerfile.worker-minimal"]) {
    await writeFile(join(root, f), `FROM scratch # ${f}\n`);
  }
  await writeFile(join(root, "tmux-dashboard.conf"), "set -g base-index 0\n");
  await mkdir(join(root, "scripts"));
  await writeFile(join(root, "scripts", "parent-entrypoint.sh"), "#!/bin/sh\n", { mode: 0o644 });
  await writeFile(join(root, "scripts", "spawn-worker.sh"), "#!/bin/sh\n", { mode: 0o644 });
  await writeFile(join(root, "scripts", "notes.txt"), "not a script\n");
  return root;
}

type Listing = Record<string, { mode: number; size: number; type: string; text?: string }>;

/** What the daemon would receive: each entry's mode, size, type, and the text of small files. */
async function listTar(dir: string): Promise<Listing> {
  const out: Listing = {};
  const ex = extract();
  packContext(dir).pipe(ex as unknown as NodeJS.WritableStream);
  for await (const entry of ex) {
    const { name, mode = 0, size = 0, type = "file" } = entry.header;
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    out[name] = {
      mode,
      size,
      type,
      ...(type === "file" && size < 100 && { text: Buffer.concat(chunks).toString() }),
    };
  }
  return out;
}

describe("build contexts", () => {
  it("the parent's: Dockerfile, executable scripts, the dashboard conf and the CLI bundle", async () => {
    const root = await fakeRoot();
    const work = await tempDir();
    const bundle = join(work, "bundle.cjs");
    await writeFile(bundle, "console.log('hi')\n");
    const dir = await prepareContext("parent", { root, cliBundle: bundle, workDir: work });
    expect(dir.startsWith(join(work, "hal9000-build-parent-"))).toBe(true);
    expect(await listTar(dir)).toEqual({
      Dockerfile: { mode: 0o644, size: 33, type: "file", text: "FROM scratch # Dockerfile.parent\n" },
      "hal9000.cjs": { mode: 0o644, size: 18, type: "file", text: "console.log('hi')\n" },
      scripts: { mode: 0o755, size: 0, type: "directory" },
      "scripts/parent-entrypoint.sh": { mode: 0o755, size: 10, type: "file", text: "#!/bin/sh\n" },
      "scripts/spawn-worker.sh": { mode: 0o755, size: 10, type: "file", text: "#!/bin/sh\n" },
      "tmux-dashboard.conf": { mode: 0o644, size: 20, type: "file", text: "set -g base-index 0\n" },
    });
  });

  it("a worker's: its Dockerfile and the executable Claude binary", async () => {
    const root = await fakeRoot();
    const work = await tempDir();
    const claude = join(work, "claude-bin");
    await writeFile(claude, Buffer.alloc(70_000, 1), { mode: 0o644 });
    const dir = await prepareContext("worker-minimal", { root, claudeBinary: claude, workDir: work });
    const files = await listTar(dir);
    expect(Object.keys(files).sort()).toEqual(["Dockerfile", "claude"]);
    expect(files.Dockerfile?.text).toBe("FROM scratch # Dockerfile.worker-minimal\n");
    expect(files.claude).toEqual({ mode: 0o755, size: 70_000, type: "file" });
  });

  it("a failed preparation removes its temp folder", async () => {
    const root = await fakeRoot();
    const work = await tempDir();
    await expect(
      prepareContext("parent", { root, cliBundle: join(work, "missing.cjs"), workDir: work }),
    ).rejects.toThrow(/ENOENT/);
    expect(await readdir(work)).toEqual([]);
  });
});
