import type { Hal9000Api, McpRelayStatus, WorkerInfo } from "../api.js";
import { defineCommand } from "../command.js";
import type { Context } from "../context.js";
import { reportOf, UsageError } from "../errors.js";
import { formatDuration } from "../format.js";
import { runtimeImages } from "../image-targets.js";
import { renderParent } from "../render.js";
import type { BuiltImage } from "../services.js";
import { usageLine } from "../usage.js";
import { buildTargets } from "./build.js";
import { startRelay } from "./mcp.js";
import { projectArg, spawnedLines } from "./spawn.js";

export interface UpArgs {
  project_dir?: string;
  name?: string;
  image?: string;
}

/**
 * Everything from nothing in one command: check Docker, build missing images, create
 * HAL9000_HOME, start the parent and, given a project, a detached worker on it.
 */
export async function up(args: UpArgs, ctx: Context): Promise<void> {
  if (args.project_dir === undefined && (args.name !== undefined || args.image !== undefined)) {
    throw new UsageError(
      "--name and --image are for the worker `up` spawns on a project, and no project_dir was given",
      `usage: ${usageLine([upCommand])}`,
    );
  }
  const out = ctx.out;
  const s = out.style;
  const ok = s.green("✓");
  const hal = await ctx.open();

  const docker = await hal.ping();
  out.say(
    `${ok} Docker ${docker.version} (API ${docker.apiVersion}) at ${ctx.services.describeDocker(hal.docker)}`,
  );

  const wanted = runtimeImages(hal.config);
  const before = await ctx.services.imageSizeReport(
    hal.docker,
    Object.fromEntries(wanted.map((w) => [w.target, w.tag])),
  );
  const present = (tag: string) => before.images.some((i) => i.tag === tag);
  const missing = wanted.filter((w) => !present(w.tag));
  for (const w of wanted) {
    const found = before.images.find((i) => i.tag === w.tag);
    const version = found?.version;
    if (version && version !== ctx.services.version) {
      out.note(
        `warning: ${w.tag} was built by hal9000 ${version}, this is ${ctx.services.version}; rebuild with \`hal9000 build ${w.target}\``,
      );
    }
  }
  let built: BuiltImage[] = [];
  if (missing.length > 0) {
    out.say(`… building ${missing.map((m) => m.tag).join(", ")}`);
    const started = Date.now();
    built = await buildTargets(ctx, hal, [...new Set(missing.map((m) => m.target))], {});
    out.say(
      `${ok} built ${built.map((b) => b.tag).join(", ")} in ${formatDuration((Date.now() - started) / 1000)}`,
    );
  }
  const already = wanted.filter((w) => present(w.tag)).map((w) => w.tag);
  if (already.length > 0) out.say(`${ok} images present: ${already.join(", ")}`);

  const { created } = await ctx.services.volumes.init(hal.layout);
  out.say(
    `${ok} HAL9000_HOME ${hal.layout.home}${created.length > 0 ? ` (created ${created.length} entries)` : ""}`,
  );

  // The relay before the parent: the parent's relay port then has something to forward to, and
  // the worker below finds its servers connected from its first turn.
  const mcp = await upRelay(ctx, hal);

  const parentBefore = await hal.parentStatus();
  const parent = await hal.startParent();
  out.say(`${ok} ${renderParent(s, parent)}${parentBefore.state === "running" ? "" : " — started"}`);

  let worker: WorkerInfo | undefined;
  if (args.project_dir !== undefined) {
    worker = await hal.spawn({
      project: projectArg(args.project_dir),
      detach: true,
      name: args.name,
      image: args.image,
    });
  }

  const doc = {
    docker,
    images: { present: already, built },
    home: { path: hal.layout.home, created },
    parent,
    parentStarted: parentBefore.state !== "running",
    mcp,
    worker: worker ?? null,
  };
  out.result(doc, () =>
    worker
      ? [`${ok} ${spawnedLines(s, worker)[0]}`, ...spawnedLines(s, worker).slice(1)]
      : [
          `ready: spawn a worker with \`hal9000 spawn -d <project_dir>\`, then \`hal9000 attach <name>\``,
          "  dashboard: hal9000 dashboard",
        ],
  );
}

/**
 * With MCP servers configured, the relay runs once `up` is done (started if it was not): said
 * in one line. A relay that cannot start is a warning with its cause; the rest of `up` goes on.
 */
async function upRelay(
  ctx: Context,
  hal: Hal9000Api,
): Promise<(McpRelayStatus & { started: boolean }) | null> {
  const before = await hal.mcpRelay();
  if (before.state === "not-configured" && !before.configError) return null;
  const s = ctx.out.style;
  try {
    if (before.configError)
      throw Object.assign(new Error(before.configError), { hint: "fix mcp.json (hal9000 mcp list)" });
    const relay = await startRelay(ctx, hal.layout);
    ctx.out.say(
      `${s.green("✓")} MCP relay running (pid ${relay.pid}; ${before.configured.join(", ")})${relay.started ? " — started" : ""}`,
    );
    return relay;
  } catch (err) {
    const r = reportOf(err);
    ctx.out.note(`warning: the MCP relay did not start: ${r.message}${r.hint ? ` (${r.hint})` : ""}`);
    return { ...(await hal.mcpRelay()), started: false };
  }
}

export const upCommand = defineCommand<UpArgs>({
  name: "up",
  summary: "Start everything: missing images, HAL9000_HOME, the parent, a worker on a project",
  args: {
    project_dir: { positional: true, describe: "spawn a detached worker on this project" },
    name: { short: "n", value: "NAME", describe: "name of that worker" },
    image: { short: "i", value: "IMAGE", describe: "image of that worker" },
  },
  examples: [
    ["hal9000 up ~/src/app", "images, home, parent, and a worker on the project"],
    ["hal9000 up", "everything but the worker"],
    ["hal9000 up -n reviewer ~/src/app --json", "the same, named, reported as one JSON document"],
  ],
  run: up,
});
