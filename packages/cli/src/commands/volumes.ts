import type { HomeStatus } from "@hal9000/volumes";
import type { Hal9000Api } from "../api.js";
import { defineCommand, defineGroup } from "../command.js";
import { confirm } from "../confirm.js";
import type { Context } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { plural } from "../format.js";
import type { Style } from "../style.js";

export interface CleanArgs {
  yes?: boolean;
}

/** The seed's `init-volumes.sh`: HAL9000_HOME's sessions/, logs/, config/ and workers/. */
export async function initVolumes(_args: object, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  const { created } = await ctx.services.volumes.init(hal.layout);
  ctx.out.result({ home: hal.layout.home, created }, () =>
    created.length === 0
      ? `HAL9000_HOME ${hal.layout.home} is already initialized`
      : [`initialized HAL9000_HOME ${hal.layout.home}`, ...created.map((p) => `  created ${p}`)],
  );
}

/** `init-volumes.sh --status`; exits 1 when something is wrong, as doctor does. */
export async function volumesStatus(_args: object, ctx: Context): Promise<number> {
  const { layout } = await ctx.layoutForDiagnosis();
  const status = await ctx.services.volumes.status(layout);
  ctx.out.result(status, () => renderHomeStatus(ctx.out.style, status));
  if (status.problems.length === 0) return EXIT.OK;
  ctx.out.note(`hal9000: HAL9000_HOME has ${plural(status.problems.length, "problem")}`);
  return EXIT.PROBLEMS;
}

/** `init-volumes.sh --clean`: asks first, or --yes. */
export async function cleanVolumes(args: CleanArgs, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  await confirm(ctx, {
    yes: args.yes,
    question: `Remove hal9000's sessions, logs, worker homes and config from ${hal.layout.home}?`,
    action: `cleaning ${hal.layout.home}`,
  });
  // hal9000's labelled Docker volumes go too, when Docker is there to ask.
  let docker: Hal9000Api["docker"] | undefined;
  try {
    await hal.ping();
    docker = hal.docker;
  } catch (err) {
    ctx.out.note(`note: Docker is not reachable (${(err as Error).message}); only files are cleaned`);
  }
  const { removed } = await ctx.services.volumes.clean(hal.layout, docker);
  ctx.out.result({ home: hal.layout.home, removed }, () =>
    removed.length === 0
      ? `nothing to remove in ${hal.layout.home}`
      : [`cleaned ${hal.layout.home}`, ...removed.map((p) => `  removed ${p}`)],
  );
}

const initSpec = {
  summary: "Create HAL9000_HOME and its directories (idempotent; never overwrites the config)",
  args: {},
  examples: [
    ["hal9000 volumes init", "create ~/.hal9000 and its directories"],
    ["hal9000 --home /srv/hal9000 volumes init", "another HAL9000_HOME"],
  ],
  run: initVolumes,
} as const;

export const volumesCommand = defineGroup({
  name: "volumes",
  summary: "HAL9000_HOME and hal9000's volumes: init | status | clean",
  commands: [
    defineCommand<object>({ name: "init", ...initSpec }),
    defineCommand<object>({
      name: "status",
      summary: "Show what exists in HAL9000_HOME and what is wrong (exit 1 if anything is)",
      args: {},
      examples: [
        ["hal9000 volumes status", "each directory, the config, session records, worker homes"],
        ["hal9000 volumes status --json", "the same as one JSON document"],
      ],
      run: volumesStatus,
    }),
    defineCommand<CleanArgs>({
      name: "clean",
      summary: "Remove what hal9000 created in HAL9000_HOME (asks first; --yes to skip)",
      args: { yes: { short: "y", describe: "do not ask for confirmation" } },
      examples: [
        ["hal9000 volumes clean", "asks, then removes sessions, logs, worker homes and the config"],
        ["hal9000 volumes clean --yes", "no question (scripts, no terminal)"],
      ],
      run: cleanVolumes,
    }),
  ],
  examples: [
    ["hal9000 volumes init", "create HAL9000_HOME"],
    ["hal9000 volumes status", "what is there and what is wrong"],
  ],
});

/** `hal9000 init`, the name earlier versions' hints used for `volumes init` (hidden from help). */
export const initCommand = defineCommand<object>({ name: "init", hidden: true, ...initSpec });

export function renderHomeStatus(s: Style, st: HomeStatus): string[] {
  if (!st.exists) {
    return [`HAL9000_HOME ${st.home}: ${s.yellow("not initialized")}`, "  run: hal9000 volumes init"];
  }
  const lines = [
    `HAL9000_HOME ${st.home}: ${st.ok ? s.green("ok") : s.red(plural(st.problems.length, "problem"))}`,
  ];
  for (const d of st.dirs) {
    const state = !d.exists
      ? s.yellow("missing")
      : !d.isDirectory
        ? s.red("not a directory")
        : d.writable
          ? s.green("ok")
          : s.red("not writable");
    lines.push(`  ${d.name.padEnd(9)} ${d.path}  ${state}`);
  }
  lines.push(
    `  conf      ${st.config.file}  ${
      st.config.exists
        ? st.config.errors.length === 0
          ? s.green("ok")
          : s.red(plural(st.config.errors.length, "error"))
        : s.dim("absent (defaults apply)")
    }`,
  );
  lines.push(
    `sessions: ${plural(st.sessions.count, "record")}${
      st.sessions.corrupt.length > 0 ? `, ${s.red(`${st.sessions.corrupt.length} corrupt`)}` : ""
    }`,
  );
  lines.push(
    `worker homes: ${st.workers.count}${st.workers.count > 0 ? ` (${st.workers.names.join(", ")})` : ""}`,
  );
  for (const p of st.problems) {
    const where = `${p.path}${p.line === undefined ? "" : `:${p.line}`}`;
    lines.push(
      `${s.red("✗")} ${p.message.includes(p.path) ? p.message : `${where}: ${p.message}`}`,
      `    hint: ${p.hint}`,
    );
  }
  return lines;
}
