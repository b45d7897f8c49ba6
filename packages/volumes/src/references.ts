/**
 * The grammar of Docker names and references, and hal9000's default image tags: defined once
 * here, at the bottom, for every package.
 */

/** Docker's own rule for container names: [a-zA-Z0-9][a-zA-Z0-9_.-]+ (so at least 2 characters). */
export const CONTAINER_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
/**
 * Docker sets no limit; hal9000 picks 128 so a name stays usable as a directory name
 * (a worker's Claude home is `workers/<name>/`) and in a terminal.
 */
export const MAX_CONTAINER_NAME = 128;

// Docker's reference grammar (distribution/reference), without the length rules.
const DOMAIN = String.raw`(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?`;
const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const TAG = String.raw`[\w][\w.-]{0,127}`;
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const NAME = `(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*`;
const IMAGE_RE = new RegExp(`^${NAME}(?::${TAG})?(?:@${DIGEST})?$`);
const IMAGE_TAG_RE = new RegExp(`^${NAME}(?::${TAG})?$`);
/** Docker's limit on a whole reference. */
export const MAX_IMAGE_REFERENCE = 255;

/**
 * True for a Docker image reference: `[registry[:port]/]name[:tag][@digest]`, lower-case name.
 * With `digest: false`, one an image can be tagged as (no digest).
 */
export function isImageReference(ref: string, opts: { digest?: boolean } = {}): boolean {
  if (ref.length > MAX_IMAGE_REFERENCE) return false;
  return (opts.digest === false ? IMAGE_TAG_RE : IMAGE_RE).test(ref);
}

/** The images hal9000 builds, under the tags it uses unless told otherwise. */
export const DEFAULT_PARENT_IMAGE = "hal9000/parent:latest";
export const DEFAULT_WORKER_IMAGE = "hal9000/worker:latest";
export const DEFAULT_WORKER_MINIMAL_IMAGE = "hal9000/worker-minimal:latest";
