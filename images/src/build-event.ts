import type { ImageTarget } from "./images.js";

/** Progress of a build: fetching the Claude CLI, each Dockerfile step, other daemon output, the end. */
export type BuildEvent = { target: ImageTarget; kind: "fetch" | "step" | "log" | "done"; message: string };
