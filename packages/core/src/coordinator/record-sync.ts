/**
 * Session records kept true to the engine, as pure functions: an event (or an inspect) and the
 * record as it is give what to write. The coordinator reads, asks these, and writes.
 */
import type { SessionRecord } from "@hal9000/volumes";
import type { ContainerDetails, EngineEvent } from "../engine/engine.js";
import {
  isOwned,
  isWorkerOf,
  LABEL_DETACHED,
  LABEL_PARENT,
  LABEL_PROJECT,
  LABEL_REMOVE_ON_EXIT,
  labelFlag,
} from "../vocabulary/labels.js";

/** An event the coordinator acts on: one of this parent's workers, or this parent starting. */
export type CoordinatorEvent =
  | {
      kind: "worker";
      action: "start" | "die" | "destroy";
      id: string;
      name: string;
      attrs: Record<string, string>;
      /** When it happened (ISO). */
      at: string;
      /** Seconds since the epoch, when the engine said. */
      time?: number;
      /** The same event replayed after a reconnect has the same key. */
      key: string;
    }
  | { kind: "parent-start"; id: string; name: string; time?: number; key: string };

/** What an engine event means for `parent`'s coordinator; undefined when it is none of its business. */
export function readEvent(ev: EngineEvent, parent: string): CoordinatorEvent | undefined {
  const action = ev.Action ?? ev.status;
  const id = ev.Actor?.ID ?? ev.id ?? "";
  const attrs = ev.Actor?.Attributes ?? {};
  const name = attrs.name;
  if (ev.Type !== "container" || !name) return undefined;
  const key = `${id}:${action}:${ev.timeNano ?? ev.time}`;
  const time = ev.time;
  if (action === "start" && name === parent && isOwned(attrs, "parent")) {
    return { kind: "parent-start", id, name, key, ...(time === undefined ? {} : { time }) };
  }
  if (!isWorkerOf(attrs, parent)) return undefined;
  if (action !== "start" && action !== "die" && action !== "destroy") return undefined;
  const at = new Date(
    ev.timeNano ? Math.floor(ev.timeNano / 1e6) : (ev.time ?? Date.now() / 1000) * 1000,
  ).toISOString();
  return { kind: "worker", action, id, name, attrs, at, key, ...(time === undefined ? {} : { time }) };
}

/** A record for a worker hal9000 did not spawn here (or a new container reusing a name), from its labels. */
export function recordFromLabels(
  name: string,
  id: string,
  labels: Record<string, string>,
  created: string,
  parent: string,
): SessionRecord {
  return {
    schemaVersion: 1,
    name,
    id,
    image: labels.image ?? "",
    parent: labels[LABEL_PARENT] ?? parent,
    project: labels[LABEL_PROJECT] ?? null,
    created,
    detached: labelFlag(labels, LABEL_DETACHED, true),
    removeOnExit: labelFlag(labels, LABEL_REMOVE_ON_EXIT, false),
    state: "created",
    exitCode: null,
    startedAt: null,
    finishedAt: null,
  };
}

/** What to write for one worker event. */
export interface RecordSync {
  /** A record to write first (none matched this container). */
  create?: SessionRecord;
  /** Then changes to the record. */
  patch?: Partial<SessionRecord>;
  /** Start saving its output. */
  follow?: boolean;
  /** A line for coordinator.log. */
  message?: string;
}

/**
 * `record` is the worker's record as it is; `live` what an inspect says now (a start handled
 * late, or replayed: a container already gone gets no record — its destroy follows — and one
 * already stopped keeps what its die event says).
 */
export function syncRecord(
  ev: Extract<CoordinatorEvent, { kind: "worker" }>,
  record: SessionRecord | undefined,
  live: { running: boolean } | undefined,
  parent: string,
): RecordSync {
  const { id, name, attrs, at } = ev;
  switch (ev.action) {
    case "start": {
      if (!live) return {};
      const sync: RecordSync = {};
      if (record?.id !== id) sync.create = recordFromLabels(name, id, attrs, at, parent);
      if (!live.running) return sync;
      return {
        ...sync,
        patch: { state: "running", startedAt: at, exitCode: null, finishedAt: null },
        follow: true,
        message: `worker ${name} started (${id.slice(0, 12)}, image ${attrs.image ?? "?"})`,
      };
    }
    case "die": {
      if (record && record.id !== id) return {}; // an older container of the same name
      const exitCode = Number.parseInt(attrs.exitCode ?? "", 10);
      const message = `worker ${name} exited with code ${attrs.exitCode ?? "?"}`;
      if (!record) return { message };
      // Already ended (removed, or marked so by a task that saw its exit): a late die changes nothing.
      if (record.state === "ended") return { message };
      return {
        patch: { state: "exited", exitCode: Number.isNaN(exitCode) ? null : exitCode, finishedAt: at },
        message,
      };
    }
    case "destroy": {
      if (record && record.id !== id) return {};
      const message = `worker ${name} removed`;
      if (!record) return { message };
      return { patch: { state: "ended", finishedAt: record.finishedAt ?? at }, message };
    }
  }
}

/** A worker's record as an inspect says it is now (on start and reconnect); follow when it runs. */
export function syncFromInspect(
  info: ContainerDetails,
  record: SessionRecord | undefined,
  parent: string,
): RecordSync {
  const sync: RecordSync = {};
  if (record?.id !== info.Id) {
    sync.create = recordFromLabels(
      info.name,
      info.Id,
      { ...(info.Config.Labels ?? {}), image: info.Config.Image },
      info.Created,
      parent,
    );
  }
  const s = info.State;
  if (s.Status === "running") {
    return {
      ...sync,
      patch: { state: "running", startedAt: s.StartedAt, exitCode: null, finishedAt: null },
      follow: true,
    };
  }
  if (s.Status === "exited" || s.Status === "dead") {
    return { ...sync, patch: { state: "exited", exitCode: s.ExitCode, finishedAt: s.FinishedAt } };
  }
  return sync;
}
