import type { Hal9000Api } from "../api.js";
import { type Command, lastValue } from "../command.js";
import type { Context } from "../context.js";
import { formatBytes, formatDuration, table } from "../format.js";
import { tagsFor } from "../image-targets.js";
import { BuildProgress } from "../progress.js";
import { type BuiltImage, IMAGE_TARGETS, type ImageTarget, type SizeReport } from "../services.js";
import type { Style } from "../style.js";

export const BUILD_TARGETS = [...IMAGE_TARGETS, "all"] as const;

export interface BuildArgs {
  target: (typeof BUILD_TARGETS)[number];
  "claude-version"?: string;
  cache?: boolean;
}

export function buildCommand(ctx: Context): Command<BuildArgs> {
  return {
    command: "build [target]",
    describe: "Build the images: parent, worker, worker-minimal or all",
    builder: (y) =>
      y
        .positional("target", {
          choices: BUILD_TARGETS,
          default: "all" as const,
          describe: "which image to build",
        })
        .option("claude-version", {
          type: "string",
          requiresArg: true,
          coerce: lastValue,
          describe: "Claude Code version for the workers (default: the pinned one)",
        })
        .option("cache", {
          type: "boolean",
          default: true,
          describe: "use the layer cache (--no-cache: build from scratch)",
        }),
    handler: async (args) => {
      const hal = await ctx.open();
      await hal.ping();
      const targets = args.target === "all" ? [...IMAGE_TARGETS] : [args.target];
      const started = Date.now();
      const built = await buildTargets(ctx, hal, targets, {
        claudeVersion: args["claude-version"],
        noCache: args.cache === false,
      });
      const report = await ctx.services.imageSizeReport(hal.docker, tagsFor(hal.config));
      const seconds = (Date.now() - started) / 1000;
      ctx.out.result({ built, report }, () => [
        ...builtLines(ctx.out.style, built, seconds),
        "",
        ...renderSizeReport(ctx.out.style, report),
      ]);
    },
  };
}

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
    live: ctx.services.isTTY.stderr,
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
