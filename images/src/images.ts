import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_PARENT_IMAGE, DEFAULT_WORKER_IMAGE, DEFAULT_WORKER_MINIMAL_IMAGE } from "@hal9000/volumes";

export type ImageTarget = "parent" | "worker" | "worker-minimal";

export interface ImageSpec {
  target: ImageTarget;
  /** File name of the Dockerfile in the package root. */
  dockerfile: string;
  defaultTag: string;
  description: string;
  /** Whether the image carries the Claude CLI binary. */
  claude: boolean;
}

export const IMAGES: Record<ImageTarget, ImageSpec> = {
  parent: {
    target: "parent",
    dockerfile: "Dockerfile.parent",
    defaultTag: DEFAULT_PARENT_IMAGE,
    description: "coordinator: Node 18, tmux and the bundled hal9000 CLI; no Claude CLI",
    claude: false,
  },
  worker: {
    target: "worker",
    dockerfile: "Dockerfile.worker-ultramin",
    defaultTag: DEFAULT_WORKER_IMAGE,
    description: "ultramin worker: the Claude CLI on bare Debian; no git, Node.js or Python",
    claude: true,
  },
  "worker-minimal": {
    target: "worker-minimal",
    dockerfile: "Dockerfile.worker-minimal",
    defaultTag: DEFAULT_WORKER_MINIMAL_IMAGE,
    description: "minimal worker: the ultramin worker plus git",
    claude: true,
  },
};

export const IMAGE_TARGETS = Object.keys(IMAGES) as ImageTarget[];

/** Every image starts from this; the size report measures against it. */
export const BASE_IMAGE = "debian:bookworm-slim";

/** Labels stamped on every image (besides `hal9000.version` from @hal9000/core). */
export const LABEL_REVISION = "org.opencontainers.image.revision";
export const LABEL_CLAUDE_VERSION = "hal9000.claude-version";
export const LABEL_CLAUDE_SIZE = "hal9000.claude-binary-size";
export const LABEL_IMAGE = "hal9000.image";
export const LABEL_BASE_IMAGE = "hal9000.base-image";

export function isImageTarget(value: unknown): value is ImageTarget {
  return typeof value === "string" && Object.hasOwn(IMAGES, value);
}

/**
 * The package root (where the Dockerfiles, scripts/ and tmux-dashboard.conf live), found by
 * resolving the package's own package.json: from this package (src/ or dist/), and from a
 * bundle that carries this code elsewhere (the CLI's dist/cli.cjs depends on this package).
 * Without it resolvable, this module sits one level below the root.
 */
export function packageRoot(): string {
  try {
    return dirname(createRequire(import.meta.url).resolve("@hal9000/images/package.json"));
  } catch {
    return fileURLToPath(new URL("..", import.meta.url));
  }
}
