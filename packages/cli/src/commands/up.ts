import type { Hal9000Api, McpRelayStatus, UpStep } from "../api.js";
import { defineCommand } from "../command.js";
import type { Context } from "../context.js";
import { reportOf, UsageError } from "../errors.js";
import { formatDuration } from "../format.js";
import { targetOf } from "../image-targets.js";
import { renderParent } from "../render.js";
import type { BuiltImage } from "../services.js";
import { usageLine } from "../usage.js";
import { buildTargets } from "./build.js";
import { startRelay } from "./mcp.js";
import { notReadyLines, projectArg, spawnedLines } from "./spawn.js";

export interface UpArgs {
  project_dir?: string;
  name?: string;
  image?: string;
}

/**
 * Everything from nothing in one command: the facade's `up` does the work (Docker, the
 * credential check, images, HAL9000_HOME, the parent, a worker); this prints each step as it
 * completes and builds the missing images with a progress display.
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
  let present: string[] = [];
  const presentLine = () => {
    if (present.length > 0) out.say(`${ok} images present: ${present.join(", ")}`);
  };
  const onStep = (step: UpStep) => {
    switch (step.step) {
      case "docker":
        out.say(
          `${ok} Docker ${step.docker.version} (API ${step.docker.apiVersion}) at ${ctx.services.describeDocker(hal.docker)}`,
        );
        return;
      case "images":
        for (const image of step.images) {
          if (image.version && image.version !== ctx.services.version) {
            out.note(
              `warning: ${image.tag} was built by hal9000 ${image.version}, this is ${ctx.services.version}; rebuild with \`hal9000 build ${targetOf(image.role, hal.config)}\``,
            );
          }
        }
        present = step.images.filter((i) => i.present).map((i) => i.tag);
        if (step.images.every((i) => i.present)) presentLine();
        return;
      case "building":
        out.say(`… building ${step.missing.map((m) => m.tag).join(", ")}`);
        return;
      case "built":
        out.say(`${ok} built ${step.tags.join(", ")} in ${formatDuration(step.seconds)}`);
        presentLine();
        return;
      case "home":
        out.say(
          `${ok} HAL9000_HOME ${step.path}${step.created.length > 0 ? ` (created ${step.created.length} entries)` : ""}`,
        );
        return;
      case "parent":
        out.say(`${ok} ${renderParent(s, step.parent)}${step.started ? " — started" : ""}`);
        return;
      case "worker":
        return;
    }
  };
  const doc = await hal.up<BuiltImage>({
    project: projectArg(args.project_dir),
    name: args.name,
    image: args.image,
    build: (missing) =>
      buildTargets(ctx, hal, [...new Set(missing.map((m) => targetOf(m.role, hal.config)))], {}),
    // The relay runs on the host, through @hal9000/mcp (which the parent's bundle leaves out).
    startRelay: () => upRelay(ctx, hal),
    onStep,
  });
  const { worker } = doc;
  out.result(doc, () =>
    worker
      ? [`${ok} ${spawnedLines(s, worker)[0]}`, ...spawnedLines(s, worker).slice(1)]
      : [
          `ready: spawn a worker with \`hal9000 spawn -d <project_dir>\`, then \`hal9000 attach <name>\``,
          "  dashboard: hal9000 dashboard",
        ],
  );
  if (worker) for (const line of notReadyLines(out.errStyle, worker)) out.note(line);
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
