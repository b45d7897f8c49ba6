import type { HomeStatus } from "@hal9000/volumes";
import type { Argv } from "yargs";
import type { Command } from "../command.js";
import { confirm } from "../confirm.js";
import type { Context, GlobalArgs } from "../context.js";
import { plural } from "../format.js";
import type { Style } from "../style.js";

export const VOLUMES_ACTIONS = ["init", "status", "clean"] as const;

/** The seed's init-volumes.sh: HAL9000_HOME's sessions/, logs/, config/ and workers/. */
export function volumesCommand(ctx: Context): Command {
  return {
    command: "volumes",
    describe: "HAL9000_HOME and hal9000's volumes: init | status | clean",
    builder: (y: Argv<GlobalArgs>) =>
      y
        .command({
          command: "init",
          describe: "Create HAL9000_HOME and its directories (idempotent; never overwrites the config)",
          handler: () => initHome(ctx),
        })
        .command({
          command: "status",
          describe: "Show what exists in HAL9000_HOME and what is wrong",
          handler: async () => {
            const { layout } = await ctx.layoutForDiagnosis();
            const status = await ctx.services.volumes.status(layout);
            ctx.out.result(status, () => renderHomeStatus(ctx.out.style, status));
          },
        })
        .command({
          command: "clean",
          describe: "Remove what hal9000 created in HAL9000_HOME (asks first; --yes to skip)",
          builder: (b) =>
            b.option("yes", { alias: "y", type: "boolean", describe: "do not ask for confirmation" }),
          handler: async (args) => {
            const hal = await ctx.open();
            await confirm(ctx, {
              yes: (args as { yes?: boolean }).yes,
              question: `Remove hal9000's sessions, logs, worker homes and config from ${hal.layout.home}?`,
              action: `cleaning ${hal.layout.home}`,
            });
            // hal9000's labelled Docker volumes go too, when Docker is there to ask.
            let docker: unknown;
            try {
              await hal.ping();
              docker = hal.docker;
            } catch (err) {
              ctx.out.note(
                `note: Docker is not reachable (${(err as Error).message}); only files are cleaned`,
              );
            }
            const { removed } = await ctx.services.volumes.clean(hal.layout, docker);
            ctx.out.result({ home: hal.layout.home, removed }, () =>
              removed.length === 0
                ? `nothing to remove in ${hal.layout.home}`
                : [`cleaned ${hal.layout.home}`, ...removed.map((p) => `  removed ${p}`)],
            );
          },
        })
        .demandCommand(1, "missing volumes action"),
    handler: () => {},
  };
}

/** `hal9000 init`: what the packages' hints call `volumes init` by (hidden from help). */
export function initCommand(ctx: Context): Command {
  return { command: "init", describe: false, handler: () => initHome(ctx) };
}

async function initHome(ctx: Context): Promise<void> {
  const hal = await ctx.open();
  const { created } = await ctx.services.volumes.init(hal.layout);
  ctx.out.result({ home: hal.layout.home, created }, () =>
    created.length === 0
      ? `HAL9000_HOME ${hal.layout.home} is already initialized`
      : [`initialized HAL9000_HOME ${hal.layout.home}`, ...created.map((p) => `  created ${p}`)],
  );
}

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
