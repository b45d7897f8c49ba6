import { createReadStream, createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { extract as tarExtract } from "tar-stream";

/**
 * Copies one regular file out of an npm package tarball (.tgz) to `dest`. `path` is
 * relative to the package's top folder (npm tarballs put everything under `package/`,
 * but the folder name is not fixed). Returns the entry's size and mode; throws if absent.
 */
export async function extractPackageFile(
  tgz: string,
  path: string,
  dest: string,
  signal?: AbortSignal,
): Promise<{ size: number; mode: number }> {
  const extract = tarExtract();
  const feeding = pipeline(createReadStream(tgz), createGunzip(), extract, { signal });
  let found: { size: number; mode: number } | undefined;
  try {
    for await (const entry of extract) {
      const { name, type, size = 0, mode = 0o644 } = entry.header;
      if (!found && (type === "file" || type === "contiguous-file") && stripTopFolder(name) === path) {
        await pipeline(entry, createWriteStream(dest, { mode: 0o600 }), { signal });
        found = { size, mode };
      } else {
        entry.resume();
      }
    }
    await feeding;
  } catch (err) {
    feeding.catch(() => {});
    throw err;
  }
  if (!found) throw new Error(`${path} is not in the package tarball ${tgz}`);
  return found;
}

function stripTopFolder(name: string): string {
  const parts = name.replace(/^\.\//, "").split("/");
  return parts.slice(1).join("/");
}
