import { access, constants, rm, stat } from "node:fs/promises";
import { resolve } from "node:path";
import {
  type Dockerode,
  dockerEngine,
  HAL9000_VERSION,
  InvalidInputError,
  LABEL_VERSION,
} from "@hal9000/core";
import { logFor } from "@hal9000/core/internal";
import { isImageReference } from "@hal9000/volumes";
import { prepareContext } from "./build-context.js";
import { buildContextDir } from "./build-context-dir.js";
import type { BuildEvent } from "./build-event.js";
import {
  claudePlatformFor,
  type FetchedClaudeCli,
  fetchClaudeCli,
  resolveClaudeVersion,
} from "./claude-cli.js";
import {
  BASE_IMAGE,
  IMAGE_TARGETS,
  IMAGES,
  type ImageTarget,
  isImageTarget,
  LABEL_BASE_IMAGE,
  LABEL_CLAUDE_SIZE,
  LABEL_CLAUDE_VERSION,
  LABEL_IMAGE,
  LABEL_REVISION,
  packageRoot,
} from "./images.js";
import { sourceRevision } from "./revision.js";

const log = logFor("images:build");

export interface BuildOptions {
  docker: Dockerode;
  targets: ImageTarget[];
  /** Tag per target. Default: IMAGES[target].defaultTag. */
  tags?: Partial<Record<ImageTarget, string>>;
  /** Claude CLI version for the workers. Default: env HAL9000_CLAUDE_VERSION, then DEFAULT_CLAUDE_VERSION. */
  claudeVersion?: string;
  noCache?: boolean;
  signal?: AbortSignal;
  onProgress?: (e: BuildEvent) => void;
  /** Path of the bundled hal9000 CLI (packages/cli dist/bundle/hal9000.cjs); required for "parent". */
  cliBundle?: string;
  /** hal9000 cache root for the Claude CLI. Default: resolveCacheDir(). */
  cacheDir?: string;
  /** Extra labels for every image built (e.g. to find test images again). hal9000's own labels win. */
  labels?: Record<string, string>;
  /** Where temp build contexts are made (always removed). Default: the OS temp dir. */
  workDir?: string;
  /** Source revision for org.opencontainers.image.revision. Default: read from .git, else "unknown". */
  revision?: string;
  /** npm registry for the Claude CLI. Default: env npm_config_registry, then the public registry. */
  registry?: string;
  env?: NodeJS.ProcessEnv;
}

export interface BuiltImage {
  target: ImageTarget;
  tag: string;
  id: string;
  size: number;
}

/**
 * Builds the given images through the Docker Engine API: fetches (or reuses) the Claude
 * CLI for workers, prepares each build context in a temp folder, streams it to the
 * daemon, reports every step. Input is checked before anything is fetched or built.
 */
export async function buildImages(opts: BuildOptions): Promise<BuiltImage[]> {
  const env = opts.env ?? process.env;
  const targets = checkTargets(opts.targets);
  const tags = Object.fromEntries(
    targets.map((t) => [t, checkTag(opts.tags?.[t] ?? IMAGES[t].defaultTag, t)]),
  );
  const labels = checkLabels(opts.labels ?? {});
  const needsClaude = targets.some((t) => IMAGES[t].claude);
  const claudeVersion = needsClaude ? resolveClaudeVersion(opts.claudeVersion, env) : undefined;
  const cliBundle = targets.includes("parent") ? await checkCliBundle(opts.cliBundle) : undefined;
  opts.signal?.throwIfAborted();

  const engine = dockerEngine(opts.docker);
  const info = await engine.ping();
  let claude: FetchedClaudeCli | undefined;
  if (needsClaude) {
    claude = await fetchClaudeCli({
      version: claudeVersion,
      platform: claudePlatformFor(info.arch),
      signal: opts.signal,
      env,
      target: targets.find((t) => IMAGES[t].claude),
      ...(opts.cacheDir !== undefined && { cacheDir: opts.cacheDir }),
      ...(opts.registry !== undefined && { registry: opts.registry }),
      ...(opts.onProgress && { onProgress: opts.onProgress }),
    });
  }
  const claudeSize = claude ? (await stat(claude.binary)).size : 0;
  const revision = opts.revision ?? (await sourceRevision(packageRoot()));

  const built: BuiltImage[] = [];
  for (const target of targets) {
    const tag = tags[target] as string;
    const emit = (kind: BuildEvent["kind"], message: string) => opts.onProgress?.({ target, kind, message });
    // hal9000.version, the revision and the Claude version come from these build args
    // through the Dockerfiles' LABEL (so a plain `docker build` labels its image too).
    const buildargs: Record<string, string> = { HAL9000_VERSION, GIT_REVISION: revision };
    const imageLabels: Record<string, string> = {
      ...withoutOwnLabels(labels),
      [LABEL_IMAGE]: target,
      [LABEL_BASE_IMAGE]: BASE_IMAGE,
    };
    if (IMAGES[target].claude && claude) {
      buildargs.CLAUDE_VERSION = claude.version;
      imageLabels[LABEL_CLAUDE_SIZE] = String(claudeSize);
    }
    emit("log", `building ${tag} from ${IMAGES[target].dockerfile}`);
    const contextDir = await prepareContext(target, {
      ...(cliBundle !== undefined && { cliBundle }),
      ...(claude && { claudeBinary: claude.binary }),
      ...(opts.workDir !== undefined && { workDir: opts.workDir }),
    });
    try {
      const result = await buildContextDir({
        docker: opts.docker,
        contextDir,
        tag,
        buildargs,
        labels: imageLabels,
        noCache: opts.noCache === true,
        ...(opts.signal && { signal: opts.signal }),
        onOutput: (line) => emit(line.kind, line.message),
      });
      built.push({ target, ...result });
      emit("done", `built ${tag} (${result.id.slice(7, 19)}, ${(result.size / 1e6).toFixed(1)} MB)`);
    } finally {
      await rm(contextDir, { recursive: true, force: true });
      log("removed build context %s", contextDir);
    }
  }
  return built;
}

const OWN_LABELS = new Set([LABEL_VERSION, LABEL_REVISION, LABEL_CLAUDE_VERSION, LABEL_CLAUDE_SIZE]);

/** The caller's labels never override what hal9000 stamps. */
function withoutOwnLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !OWN_LABELS.has(k)));
}

function checkTargets(targets: unknown): ImageTarget[] {
  if (!Array.isArray(targets) || targets.length === 0) {
    throw new InvalidInputError("no image to build", {
      hint: `name one or more of: ${IMAGE_TARGETS.join(", ")}`,
    });
  }
  const bad = targets.filter((t) => !isImageTarget(t));
  if (bad.length > 0) {
    throw new InvalidInputError(`unknown image ${bad.map((t) => JSON.stringify(t)).join(", ")}`, {
      hint: `the images are: ${IMAGE_TARGETS.join(", ")}`,
    });
  }
  return [...new Set(targets as ImageTarget[])];
}

/** name[:tag] in Docker's reference grammar (@hal9000/volumes'), without a digest: a build names a tag. */
function checkTag(tag: string, target: ImageTarget): string {
  if (typeof tag !== "string" || !isImageReference(tag, { digest: false })) {
    throw new InvalidInputError(`"${String(tag)}" is not a valid image tag for ${target}`, {
      hint: "use name[:tag] in lower case, e.g. hal9000/worker:latest or registry.local:5000/hal9000/worker:1.0",
    });
  }
  return tag;
}

function checkLabels(labels: Record<string, string>): Record<string, string> {
  for (const [key, value] of Object.entries(labels)) {
    if (!key || typeof value !== "string") {
      throw new InvalidInputError(`label ${JSON.stringify(key)} must have a string value`, {
        hint: "pass labels as { key: value } with string values",
      });
    }
  }
  return labels;
}

async function checkCliBundle(cliBundle: string | undefined): Promise<string> {
  if (!cliBundle) {
    throw new InvalidInputError("building the parent image needs the bundled hal9000 CLI (cliBundle)", {
      hint: "use `hal9000 build parent`, which passes it; from code, pass the path of @hal9000/cli's dist/bundle/hal9000.cjs",
    });
  }
  const path = resolve(cliBundle);
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new InvalidInputError(`the hal9000 CLI bundle ${path} does not exist or cannot be read`, {
      hint: "build it first: pnpm --filter @hal9000/cli build",
    });
  }
  return path;
}
