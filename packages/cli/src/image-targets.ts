/** Which images a config runs on, and under which tags to build them. */
import { IMAGES } from "@hal9000/images/specs";
import type { ImageTarget } from "./services.js";

/** The worker image is the minimal one when the config names its default tag, else the ultramin one. */
function workerTarget(workerImage: string): ImageTarget {
  return workerImage === IMAGES["worker-minimal"].defaultTag ? "worker-minimal" : "worker";
}

/** Tags to build under: the config's parent and worker images, defaults for the rest. */
export function tagsFor(config: {
  parentImage: string;
  workerImage: string;
}): Partial<Record<ImageTarget, string>> {
  return { parent: config.parentImage, [workerTarget(config.workerImage)]: config.workerImage };
}

/** The image target that builds the parent's image or the one workers run (`up` names them by role). */
export function targetOf(role: "parent" | "worker", config: { workerImage: string }): ImageTarget {
  return role === "parent" ? "parent" : workerTarget(config.workerImage);
}
