import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { homeLayout } from "@hal9000/volumes";
import { afterAll, describe, expect, test } from "vitest";
import { warnCorruptRecords } from "../src/corrupt-records.js";
import { Output } from "../src/output.js";
import { cleanupHomes, cli, newWorld, tempHome } from "./harness.js";

afterAll(cleanupHomes);

async function homeWithCorruptRecord(): Promise<{ home: string; file: string }> {
  const home = await tempHome();
  await mkdir(join(home, "sessions"), { recursive: true });
  const file = join(home, "sessions", "broken.json");
  await writeFile(file, '{"schemaVersion": 1, "na');
  return { home, file };
}

function capture(json: boolean) {
  const out = { stdout: "", stderr: "" };
  const output = new Output(
    {
      stdout: { write: (c) => (out.stdout += String(c)) },
      stderr: { write: (c) => (out.stderr += String(c)) },
    },
    { json, verbose: false, color: { stdout: false, stderr: false } },
  );
  return { out, output };
}

describe("a corrupt session record", () => {
  test("warnCorruptRecords names each file, what is wrong and the fix, on stderr only", async () => {
    const { home, file } = await homeWithCorruptRecord();
    const { out, output } = capture(true);
    await warnCorruptRecords(output, homeLayout(home));
    expect(out.stdout).toBe("");
    expect(out.stderr).toMatch(
      new RegExp(
        `^warning: corrupt session record ${file}: invalid JSON \\(.+\\)\\n {2}hint: delete it \\(rm ${file}\\); hal9000 recreates records for live workers\\n$`,
      ),
    );
  });

  test("warnCorruptRecords says nothing for a home without records", async () => {
    const { out, output } = capture(false);
    await warnCorruptRecords(output, homeLayout(await tempHome()));
    expect(out).toEqual({ stdout: "", stderr: "" });
  });

  test("`list` still lists (exit 0, stdout one JSON document under --json) and warns on stderr", async () => {
    const { home, file } = await homeWithCorruptRecord();
    const world = newWorld({ parent: { name: "hal9000-parent", state: "running" } });
    const r = await cli(["list", "--json"], { world, home });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ parent: "hal9000-parent", workers: [] });
    expect(r.stderr).toContain(`warning: corrupt session record ${file}: invalid JSON`);
    expect(r.stderr).toContain(`hint: delete it (rm ${file})`);
  });
});
