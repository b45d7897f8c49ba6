/** Human forms of the results several commands print. */
import type { FleetStatus, McpRelayStatus, ParentStatus, WorkerInfo } from "./api.js";
import { formatBytes, formatDuration, formatPercent, plural, secondsSince, table } from "./format.js";
import type { Style } from "./style.js";

export function stateColor(s: Style, state: string): string {
  if (state === "running") return s.green(state);
  if (state === "missing" || state === "exited" || state === "dead") return s.red(state);
  return s.yellow(state);
}

/** A worker's agent state in one cell: the state, and the tool or what it waits for. */
export function agentCell(s: Style, a: WorkerInfo["agent"]): string {
  if (!a) return "-";
  const colored =
    a.state === "waiting" ? s.yellow(a.state) : a.state === "working" ? s.green(a.state) : a.state;
  if (a.state === "working" && a.lastTool) return `${colored} (${a.lastTool})`;
  if (a.state === "exited" && a.exitCode !== null) return `${colored} (${a.exitCode})`;
  return colored;
}

export function renderWorkers(s: Style, workers: WorkerInfo[], now = new Date()): string[] {
  if (workers.length === 0) return ["no workers"];
  return table(
    ["NAME", "STATE", "AGENT", "AGE", "IMAGE", "PROJECT"],
    workers.map((w) => [
      s.bold(w.name),
      stateColor(s, w.state),
      agentCell(s, w.agent),
      formatDuration(secondsSince(w.startedAt ?? w.created, now)),
      w.image,
      w.project ?? "-",
    ]),
  );
}

export function renderParent(s: Style, p: ParentStatus, now = new Date()): string {
  if (p.state === "missing") return `parent ${s.bold(p.name)}: ${stateColor(s, "missing")}`;
  const details = [
    p.image && `image ${p.image}`,
    p.version && `hal9000 ${p.version}`,
    p.state === "running" && p.startedAt && `up ${formatDuration(secondsSince(p.startedAt, now))}`,
    p.id && `id ${p.id.slice(0, 12)}`,
  ].filter(Boolean);
  return `parent ${s.bold(p.name)}: ${stateColor(s, p.state)}${details.length ? ` (${details.join(", ")})` : ""}`;
}

export function renderFleet(
  s: Style,
  f: FleetStatus,
  maxWorkers: number | undefined,
  now = new Date(),
): string[] {
  const running = f.workers.filter((w) => w.state === "running").length;
  const lines = [renderParent(s, f.parent, now)];
  lines.push(
    `workers: ${running} running${maxWorkers === undefined ? "" : ` of ${maxWorkers} max`}` +
      (f.workers.length > running ? `, ${f.workers.length - running} other` : ""),
  );
  if (f.workers.length > 0) {
    lines.push(
      ...table(
        ["NAME", "STATE", "AGENT", "UPTIME", "CPU", "MEMORY", "LIMITS", "USER", "PROJECT"],
        f.workers.map((w) => [
          s.bold(w.name),
          stateColor(s, w.state),
          agentCell(s, w.agent),
          formatDuration(w.uptimeSeconds),
          formatPercent(w.cpuPercent),
          w.memoryBytes === null
            ? "-"
            : `${formatBytes(w.memoryBytes)}${w.memoryLimitBytes ? ` / ${formatBytes(w.memoryLimitBytes)}` : ""}`,
          renderLimits(w.limits),
          w.user ?? "-",
          w.project ?? "-",
        ]),
      ).map((l) => `  ${l}`),
    );
  }
  lines.push(
    `sessions: ${plural(f.sessionRecords, "record")}` +
      (f.corruptRecords > 0 ? `, ${s.red(`${f.corruptRecords} corrupt`)}` : ""),
  );
  lines.push(...renderRelay(s, f.mcp));
  return lines;
}

/**
 * The MCP relay in a few lines: its state (or why it does not serve, and what to do) and each
 * configured server's sessions and calls, with a server's last error. Nothing when no server
 * is configured and mcp.json is fine.
 */
export function renderRelay(s: Style, r: McpRelayStatus | undefined): string[] {
  if (!r || (r.state === "not-configured" && !r.configError)) return [];
  const servers = r.configured
    .map((name) => {
      const h = r.health?.servers.find((x) => x.name === name);
      return h ? `${name} (${plural(h.sessions, "session")}, ${plural(h.calls, "call")})` : name;
    })
    .join(", ");
  const state =
    r.state === "running"
      ? `${s.green("running")} (pid ${r.pid})`
      : `${s.red(r.state)}: ${r.why ?? "unknown"}`;
  const lines = [`MCP relay: ${state}${servers ? ` — ${servers}` : ""}`];
  for (const h of r.health?.servers ?? []) if (h.lastError) lines.push(`  ${h.name}: ${s.red(h.lastError)}`);
  if (r.configError) lines.push(`  ${s.red(r.configError)}`);
  if (r.hint) lines.push(`  ${s.dim("hint:")} ${r.hint}`);
  return lines;
}

/** A worker's limits in one cell: memory, CPUs, processes ("-" where none is set). */
export function renderLimits(l: FleetStatus["workers"][number]["limits"] | undefined): string {
  if (!l) return "-";
  const cpus = l.cpus === null ? "-" : `${Number(l.cpus.toFixed(2))} CPU`;
  const pids = l.pidsLimit === null ? "-" : `${l.pidsLimit} pids`;
  return `${formatBytes(l.memoryBytes)}, ${cpus}, ${pids}`;
}
