import { type Dockerode, dockerEngine, type Engine, LABEL_VERSION } from "@hal9000/core";
import type { ImageDetails } from "@hal9000/core/internal";
import {
  BASE_IMAGE,
  IMAGE_TARGETS,
  IMAGES,
  type ImageTarget,
  LABEL_BASE_IMAGE,
  LABEL_CLAUDE_SIZE,
  LABEL_CLAUDE_VERSION,
  LABEL_REVISION,
} from "./images.js";

/** Sizes in bytes, as the daemon counts them (decimal MB = 1e6 bytes). */
export interface ImageSize {
  target: ImageTarget;
  tag: string;
  id: string;
  size: number;
  /** `hal9000.version` and the source revision the image was built from (null: not a hal9000 build). */
  version: string | null;
  revision: string | null;
  baseImage: string;
  /** null when the base image is gone or no longer the one the image was built on. */
  baseSize: number | null;
  aboveBase: number | null;
  /** Workers: the Claude CLI the image carries, from its labels. */
  claudeVersion: string | null;
  claudeBinarySize: number | null;
  /** Workers: everything but the Claude binary (base included). */
  overheadAboveClaude: number | null;
}

export interface SizeReport {
  images: ImageSize[];
  /** Tags that do not exist (not built yet). */
  missing: { target: ImageTarget; tag: string }[];
}

/** Sizes of the hal9000 images under `tags` (default tags otherwise), against their base image. */
export async function imageSizeReport(
  docker: Dockerode,
  tags?: Partial<Record<ImageTarget, string>>,
): Promise<SizeReport> {
  const engine = dockerEngine(docker);
  const report: SizeReport = { images: [], missing: [] };
  for (const target of IMAGE_TARGETS) {
    const tag = tags?.[target] ?? IMAGES[target].defaultTag;
    const image = await inspect(engine, tag);
    if (!image) {
      report.missing.push({ target, tag });
      continue;
    }
    const labels = image.Config?.Labels ?? {};
    const baseImage = labels[LABEL_BASE_IMAGE] ?? BASE_IMAGE;
    const base = await inspect(engine, baseImage);
    // Only a base whose layers start this image's layers says what the image added.
    const baseLayers = base?.RootFS?.Layers ?? [];
    const layers = image.RootFS?.Layers ?? [];
    const isBase = base !== undefined && baseLayers.length > 0 && baseLayers.every((l, i) => layers[i] === l);
    const baseSize = isBase ? base.Size : null;
    const claudeBinarySize = Number(labels[LABEL_CLAUDE_SIZE]) || null;
    report.images.push({
      target,
      tag,
      id: image.Id,
      size: image.Size,
      version: labels[LABEL_VERSION] ?? null,
      revision: labels[LABEL_REVISION] ?? null,
      baseImage,
      baseSize,
      aboveBase: baseSize === null ? null : image.Size - baseSize,
      claudeVersion: labels[LABEL_CLAUDE_VERSION] ?? null,
      claudeBinarySize,
      overheadAboveClaude: claudeBinarySize === null ? null : image.Size - claudeBinarySize,
    });
  }
  return report;
}

function inspect(engine: Engine, tag: string): Promise<ImageDetails | undefined> {
  return engine.images.inspect(tag);
}
