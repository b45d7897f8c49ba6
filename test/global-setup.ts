import { connectDocker, isHal9000Error } from "@hal9000/core";
import { pingDocker } from "@hal9000/core/internal";
import { IMAGES } from "@hal9000/images";

/**
 * Fails the run at once, with a message that says what to do, when the engine or an
 * image the suites need is missing; otherwise every test would time out on its own.
 */
export default async function setup(): Promise<void> {
  process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
  const docker = connectDocker();
  try {
    await pingDocker(docker);
  } catch (err) {
    const hint = isHal9000Error(err) && err.hint ? `\n  ${err.hint}` : "";
    throw new Error(
      `integration tests need a Docker engine: ${(err as Error).message}${hint}\n  run ./scripts/ensure-docker.sh`,
    );
  }
  const missing: string[] = [];
  for (const image of Object.values(IMAGES)) {
    try {
      await docker.getImage(image.defaultTag).inspect();
    } catch {
      missing.push(image.defaultTag);
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `integration tests need the hal9000 images; missing: ${missing.join(", ")}\n  run: pnpm hal9000 build all`,
    );
  }
}
