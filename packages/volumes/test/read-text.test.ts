import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { readTextIfExists } from "../src/read-text.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hal9000-read-text-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it("reads a file, says undefined for a missing one, and throws for anything else", async () => {
  await writeFile(join(dir, "a"), "hello");
  expect(await readTextIfExists(join(dir, "a"))).toBe("hello");
  expect(await readTextIfExists(join(dir, "missing"))).toBeUndefined();
  await expect(readTextIfExists(dir)).rejects.toMatchObject({ code: "EISDIR" });
});
