import type { McpRelayStatus } from "../api.js";
import { defineCommand } from "../command.js";
import type { Context } from "../context.js";
import { reportOf } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import { formatBytes, plural } from "../format.js";
import { tagsFor } from "../image-targets.js";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  hint?: string;
}

/** Checks everything hal9000 needs and says what to fix; exit 1 when anything is wrong. */
export async function doctor(_args: object, ctx: Context): Promise<number> {
  const checks = await runChecks(ctx);
  const problems = checks.filter((c) => !c.ok).length;
  const s = ctx.out.style;
  ctx.out.result({ ok: problems === 0, version: ctx.services.version, checks }, () => [
    ...checks.flatMap((c) => [
      `${c.ok ? s.green("✓") : s.red("✗")} ${c.name.padEnd(7)} ${c.detail}`,
      ...(c.hint && !c.ok ? [`          ${s.dim("fix:")} ${c.hint}`] : []),
    ]),
    problems === 0 ? s.green("all good") : s.red(`${plural(problems, "problem")} found`),
  ]);
  if (problems === 0) return EXIT.OK;
  ctx.out.note(`hal9000: doctor found ${plural(problems, "problem")}`);
  return EXIT.PROBLEMS;
}

export const doctorCommand = defineCommand<object>({
  name: "doctor",
  summary: "Check Docker, images, HAL9000_HOME, the config and the parent",
  description:
    "Check Docker, the socket, the images and their versions, HAL9000_HOME, the config and the parent, and say how to fix what is wrong. Exits 1 when anything is.",
  args: {},
  examples: [
    ["hal9000 doctor", "every check, with a fix for each problem"],
    ["hal9000 doctor --json", '{ "ok": …, "checks": [...] }'],
  ],
  run: doctor,
});

async function runChecks(ctx: Context): Promise<Check[]> {
  const checks: Check[] = [];
  const { services } = ctx;
  const { layout, hal, error } = await ctx.layoutForDiagnosis();

  const home = await services.volumes.status(layout);
  const configError = error === undefined ? undefined : reportOf(error);
  const fileError = home.config.errors[0];
  checks.push(
    configError
      ? { name: "config", ok: false, detail: configError.message, hint: configError.hint }
      : fileError
        ? {
            name: "config",
            ok: false,
            detail: `${home.config.file}${fileError.line ? `:${fileError.line}` : ""}: ${fileError.message}`,
            hint: fileError.hint ?? "fix or remove that line",
          }
        : {
            name: "config",
            ok: true,
            detail: home.config.exists ? home.config.file : `${home.config.file} (absent: defaults)`,
          },
  );
  const homeProblems = home.problems.filter((p) => p.path !== home.config.file);
  checks.push(
    !home.exists
      ? {
          name: "home",
          ok: false,
          detail: `${home.home} does not exist`,
          hint: "hal9000 volumes init (or hal9000 up)",
        }
      : homeProblems.length > 0
        ? {
            name: "home",
            ok: false,
            detail: `${homeProblems[0]?.path}: ${homeProblems[0]?.message}`,
            hint: homeProblems[0]?.hint,
          }
        : { name: "home", ok: true, detail: home.home },
  );
  if (!hal) {
    checks.push({ name: "docker", ok: false, detail: "not checked: fix the config first" });
    return checks;
  }
  const relay = mcpCheck(await hal.mcpRelay());
  if (relay) checks.push(relay);

  const where = services.describeDocker(hal.docker);
  if (where.startsWith("unix://")) {
    const path = where.slice("unix://".length);
    const sock = await services.socketStatus(path);
    checks.push(
      !sock.exists
        ? { name: "socket", ok: false, detail: `${path} does not exist`, hint: SOCKET_HINT }
        : !sock.isSocket
          ? {
              name: "socket",
              ok: false,
              detail: `${path} is not a socket`,
              hint: "mount the host's socket: -v /var/run/docker.sock:/var/run/docker.sock",
            }
          : !sock.accessible
            ? {
                name: "socket",
                ok: false,
                detail: `${path}: permission denied`,
                hint: "add your user to the docker group, or run as root",
              }
            : { name: "socket", ok: true, detail: path },
    );
  }

  try {
    const info = await hal.ping();
    checks.push({
      name: "docker",
      ok: true,
      detail: `Docker ${info.version}, API ${info.apiVersion} (${info.os}/${info.arch}) at ${where}`,
    });
  } catch (err) {
    const r = reportOf(err);
    checks.push({ name: "docker", ok: false, detail: r.message, hint: r.hint });
    return checks;
  }

  const report = await services.imageSizeReport(hal.docker, tagsFor(hal.config));
  const required = new Set([hal.config.parentImage, hal.config.workerImage]);
  for (const m of report.missing) {
    if (required.has(m.tag)) {
      checks.push({
        name: "image",
        ok: false,
        detail: `${m.tag} is missing`,
        hint: `hal9000 build ${m.target}`,
      });
    }
  }
  for (const img of report.images) {
    const version = img.version;
    if (version !== null && version !== services.version) {
      checks.push({
        name: "image",
        ok: false,
        detail: `${img.tag} is from hal9000 ${version}, this is ${services.version}`,
        hint: `hal9000 build ${img.target}`,
      });
    } else {
      checks.push({
        name: "image",
        ok: true,
        detail: `${img.tag} (hal9000 ${version ?? "version unknown"}, ${formatBytes(img.size)})`,
      });
    }
  }

  const parent = await hal.parentStatus();
  if (parent.state !== "running") {
    checks.push({
      name: "parent",
      ok: false,
      detail: `${parent.name} is ${parent.state}`,
      hint: parent.state === "missing" ? "hal9000 up" : "hal9000 parent start",
    });
  } else if (parent.version !== undefined && parent.version !== services.version) {
    checks.push({
      name: "parent",
      ok: false,
      detail: `${parent.name} runs hal9000 ${parent.version}, this is ${services.version}`,
      hint: "hal9000 parent stop, then hal9000 up",
    });
  } else {
    checks.push({
      name: "parent",
      ok: true,
      detail: `${parent.name} running${parent.version ? ` (hal9000 ${parent.version})` : ""}`,
    });
  }
  return checks;
}

/** The MCP relay, when servers are configured (or mcp.json is broken): it must be serving them. */
export function mcpCheck(r: McpRelayStatus): Check | undefined {
  if (r.configError) {
    return {
      name: "mcp",
      ok: false,
      detail: r.configError,
      hint: "fix mcp.json, or hal9000 mcp remove <name>",
    };
  }
  if (r.state === "not-configured") return undefined;
  if (r.state !== "running") {
    return { name: "mcp", ok: false, detail: `relay ${r.state}: ${r.why ?? "unknown"}`, hint: r.hint };
  }
  // A server's last error stays visible after it recovered (it restarts on the next call): a note, not a failure.
  const errors = (r.health?.servers ?? [])
    .filter((x) => x.lastError)
    .map((x) => `; ${x.name}: ${x.lastError}`);
  return {
    name: "mcp",
    ok: true,
    detail: `relay running (pid ${r.pid}): ${r.configured.join(", ")}${errors.join("")}`,
  };
}

const SOCKET_HINT =
  "start Docker or set DOCKER_HOST; inside a container, mount the socket: -v /var/run/docker.sock:/var/run/docker.sock";
