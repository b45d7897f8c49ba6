import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InvalidInputError } from "@hal9000/core";
import type { Dockerode } from "@hal9000/core/internal";
import { describe, expect, it } from "vitest";
import { buildImages } from "../src/build.js";
import type { ImageTarget } from "../src/images.js";
import { tempDir } from "./helpers.js";

/** Bad input must be refused before anything is fetched or sent: this daemon fails the test if touched. */
const untouchable = new Proxy(
  {},
  {
    get(_t, prop) {
      throw new Error(`the Docker client was used (${String(prop)}) before the input was checked`);
    },
  },
) as Dockerode;

async function refusal(opts: Partial<Parameters<typeof buildImages>[0]>): Promise<InvalidInputError> {
  const err = await buildImages({ docker: untouchable, targets: ["worker"], ...opts }).catch(
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidInputError);
  return err as InvalidInputError;
}

describe("buildImages refuses bad input before contacting Docker", () => {
  it("a parent without the CLI bundle, pointing at `hal9000 build parent`", async () => {
    const err = await refusal({ targets: ["worker", "parent"] });
    expect(err.message).toBe("building the parent image needs the bundled hal9000 CLI (cliBundle)");
    expect(err.hint).toMatch(/hal9000 build parent/);
  });

  it("a CLI bundle that does not exist, saying how to build it", async () => {
    const dir = await tempDir();
    const err = await refusal({ targets: ["parent"], cliBundle: join(dir, "nope.cjs") });
    expect(err.message).toContain(`${join(dir, "nope.cjs")} does not exist`);
    expect(err.hint).toBe("build it first: pnpm --filter @hal9000/cli build");
  });

  it("an unknown target, listing the real ones", async () => {
    const err = await refusal({ targets: ["worker", "wroker" as ImageTarget] });
    expect(err.message).toBe('unknown image "wroker"');
    expect(err.hint).toBe("the images are: parent, worker, worker-minimal");
  });

  it("no target at all", async () => {
    expect((await refusal({ targets: [] })).message).toBe("no image to build");
  });

  it.each(["Hal9000/Worker:latest", "worker:", "a b", "x:-bad"])("an invalid tag %j", async (tag) => {
    const err = await refusal({ tags: { worker: tag } });
    expect(err.message).toBe(`"${tag}" is not a valid image tag for worker`);
  });

  it("a Claude version that is not one", async () => {
    const err = await refusal({ claudeVersion: "../../x" });
    expect(err.message).toBe('"../../x" is not a Claude CLI version');
  });

  it("accepts registry/name:tag tags (then needs Docker, which this test does not give)", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "hal9000.cjs"), "");
    const err = await buildImages({
      docker: untouchable,
      targets: ["parent"],
      cliBundle: join(dir, "hal9000.cjs"),
      tags: { parent: "registry.local:5000/team/hal9000-parent:1.2.3" },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/the Docker client was used/);
  });
});
