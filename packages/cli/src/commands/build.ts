import type { Hal9000Api } from "../api.js";
import { defineCommand } from "../command.js";
import type { Context } from "../context.js";
import { formatBytes, formatDuration, table } from "../format.js";
import { tagsFor } from "../image-targets.js";
import { BuildProgress } from "../progress.js";
import { type BuiltImage, IMAGE_TARGETS, type ImageTarget, type SizeReport } from "../services.js";
import type { Style } from "../style.js";

export const BUILD_TARGETS = [...IMAGE_TARGETS, "all"] as const;

export interface BuildArgs {
  target: (typeof BUILD_TARGETS)[number];
  claudeVersion?: string;
  cache?: boolean;
}

export async function build(args: BuildArgs, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  await hal.ping();
  const targets = args.target === "all" ? [...IMAGE_TARGETS] : [args.target];
  const started = Date.now();
  const built = await buildTargets(ctx, hal, targets, {
    claudeVersion: args.claudeVersion,
    noCache: args.cache === false,
  });
  const report = await ctx.services.imageSizeReport(hal.docker, tagsFor(hal.config));
  const seconds = (Date.now() - started) / 1000;
  ctx.out.result({ built, report }, () => [
    ...builtLines(ctx.out.style, built, seconds),
    "",
    ...renderSizeReport(ctx.out.style, report),
  ]);
}

export const buildCommand = defineCommand<BuildArgs>({
  name: "build",
  summary: "Build the images: parent, worker, worker-minimal or all",
  description:
    "Build the images (Docker's layer cache makes a rebuild take seconds), then print their sizes.",
  args: {
    target: { positional: true, choices: BUILD_TARGETS, default: "all", describe: "which image to build" },
    claudeVersion: {
      value: "VERSION",
      describe: "Claude Code version for the workers (default: the pinned one)",
    },
    cache: { default: true, describe: "use the layer cache (--no-cache: build from scratch)" },
  },
  examples: [
    ["hal9000 build", "every image, then the size report"],
    ["hal9000 build worker --claude-version 2.1.0", "the worker with another Claude Code"],
    ["hal9000 build parent --no-cache", "the parent from scratch"],
  ],
  run: build,
});

function builtLines(s: Style, built: BuiltImage[], seconds: number): string[] {
  const one = (b: BuiltImage) => `${s.bold(b.tag)} (${formatBytes(b.size)})`;
  if (built.length === 1 && built[0]) return [`built ${one(built[0])} in ${formatDuration(seconds)}`];
  return [`built ${built.length} images in ${formatDuration(seconds)}:`, ...built.map((b) => `  ${one(b)}`)];
}

/** Builds with a progress display on stderr; shared by `build` and `up`. */
export function buildTargets(
  ctx: Context,
  hal: Hal9000Api,
  targets: ImageTarget[],
  opts: { claudeVersion?: string; noCache?: boolean },
): Promise<BuiltImage[]> {
  const progress = new BuildProgress(ctx.services.stderr, {
    live: ctx.liveProgress,
    verbose: ctx.out.options.verbose,
    style: ctx.out.errStyle,
  });
  return ctx.services.buildImages({
    docker: hal.docker,
    targets,
    tags: tagsFor(hal.config),
    claudeVersion: opts.claudeVersion,
    noCache: opts.noCache,
    onProgress: progress.onEvent,
    cliBundle: targets.includes("parent") ? ctx.services.cliBundlePath() : undefined,
  });
}

export function renderSizeReport(s: Style, report: SizeReport): string[] {
  const rows = [
    ...report.images.map((i) => [
      i.target,
      i.tag,
      formatBytes(i.size),
      formatBytes(i.aboveBase),
      i.claudeVersion ? `${i.claudeVersion} (${formatBytes(i.claudeBinarySize)})` : "-",
      i.version ?? "-",
    ]),
    ...report.missing.map((m) => [m.target, m.tag, s.yellow("missing"), "-", "-", "-"]),
  ];
  return table(["IMAGE", "TAG", "SIZE", "ABOVE BASE", "CLAUDE", "HAL9000"], rows);
}
