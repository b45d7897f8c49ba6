import type { Engine } from "@hal9000/core";
import { logFor } from "@hal9000/core/internal";

const log = logFor("images:build");

/** The id the tag points at now, if any. */
export async function currentImageId(engine: Engine, tag: string): Promise<string | undefined> {
  try {
    return (await engine.images.inspect(tag))?.Id;
  } catch {
    return undefined;
  }
}

/**
 * A rebuild moves the tag to a new image; the one it replaced would stay behind untagged
 * (`<none>`), one per rebuild. Removes it when nothing else names it; an image a container
 * still uses, or another tag still names, stays (the daemon refuses, and that is fine).
 */
export async function removeReplacedImage(engine: Engine, previousId: string, newId: string): Promise<void> {
  if (previousId === newId) return;
  try {
    const previous = await engine.images.inspect(previousId);
    if (!previous || (previous.RepoTags ?? []).some((t) => t !== "<none>:<none>")) return;
    await engine.images.remove(previousId, { noprune: false });
    log("removed the image this build replaced: %s", previousId.slice(7, 19));
  } catch (err) {
    log("kept the replaced image %s: %s", previousId.slice(7, 19), (err as Error).message);
  }
}
