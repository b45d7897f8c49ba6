/**
 * `up`: everything from nothing, the same from Node as from `hal9000 up`. Docker is checked
 * first, then the credential a worker needs (before anything is built or started), the images
 * (built by the caller's builder, since building lives in @hal9000/images above core),
 * HAL9000_HOME, the parent, and, given a project, a detached worker on it.
 *
 * It is written against the facade's own methods (UpHost), so it runs the same over the real
 * Hal9000 and over a test's fake of it.
 */
import type { HomeLayout } from "@hal9000/volumes";
import type { EngineInfo as DockerInfo } from "./engine/engine.js";
import type { ParentStatus } from "./parent/parent.js";
import type { SpawnOptions } from "./spawn/options.js";
import { InvalidInputError, NoCredentialError } from "./vocabulary/errors.js";
import type { WorkerInfo } from "./worker/info.js";

/** An image `up` needs: the parent's, or the one workers run. */
export interface UpImage {
  role: "parent" | "worker";
  tag: string;
}

/** Whether an image is in the engine, and which hal9000 version built it (null: not one of ours). */
export interface UpImageState extends UpImage {
  present: boolean;
  version: string | null;
}

/** Each step as it completes, for a progress display. */
export type UpStep =
  | { step: "docker"; docker: DockerInfo }
  | { step: "images"; images: UpImageState[] }
  | { step: "building"; missing: UpImage[] }
  | { step: "built"; tags: string[]; seconds: number }
  | { step: "home"; path: string; created: string[] }
  | { step: "parent"; parent: ParentStatus; started: boolean }
  | { step: "worker"; worker: WorkerInfo };

export interface UpOptions<Built extends { tag: string } = { tag: string }, Relay = unknown> {
  /** Spawn a detached worker on this project (relative paths: against the facade's cwd). */
  project?: string;
  /** That worker's name and image. */
  name?: string;
  image?: string;
  /**
   * Builds the images that are missing (e.g. @hal9000/images' buildImages). Without it, a
   * missing image is an error saying how to build it.
   */
  build?: (missing: UpImage[]) => Promise<Built[]>;
  /**
   * Starts the host's MCP relay when servers are configured (e.g. the CLI's `mcp relay -d`),
   * before the parent, so its relay port has something to forward to; null: nothing to relay.
   */
  startRelay?: () => Promise<Relay | null>;
  onStep?: (step: UpStep) => void;
}

export interface UpResult<Built extends { tag: string } = { tag: string }, Relay = unknown> {
  docker: DockerInfo;
  images: { present: string[]; built: Built[] };
  home: { path: string; created: string[] };
  parent: ParentStatus;
  parentStarted: boolean;
  /** What startRelay returned (null without one, or with nothing to relay). */
  mcp: Relay | null;
  worker: WorkerInfo | null;
}

/** The facade's methods `up` is made of. */
export interface UpHost {
  readonly layout: HomeLayout;
  readonly config: { parentImage: string; workerImage: string };
  ping(): Promise<DockerInfo>;
  /** The credential a worker spawned now would get, or null when there is none anywhere. */
  credentialSource(): Promise<string | null>;
  imageStates(images: readonly UpImage[]): Promise<UpImageState[]>;
  initHome(): Promise<{ created: string[] }>;
  parentStatus(): Promise<ParentStatus>;
  startParent(): Promise<ParentStatus>;
  spawn(opts: SpawnOptions): Promise<WorkerInfo>;
}

export async function runUp<Built extends { tag: string }, Relay = unknown>(
  host: UpHost,
  opts: UpOptions<Built, Relay> = {},
): Promise<UpResult<Built, Relay>> {
  if (opts.project === undefined && (opts.name !== undefined || opts.image !== undefined)) {
    throw new InvalidInputError(
      "a name and an image are for the worker `up` spawns on a project, and no project was given",
      {
        hint: "give the project (hal9000 up [-n NAME] [-i IMAGE] <project_dir>), or leave out the name and image",
      },
    );
  }
  const report = opts.onStep ?? (() => undefined);
  const docker = await host.ping();
  report({ step: "docker", docker });

  // Before anything is built or started: a worker without a credential only exits with Claude's
  // own network error, long after the parent came up.
  if (opts.project !== undefined && (await host.credentialSource()) === null) throw new NoCredentialError();

  const wanted: UpImage[] = [
    { role: "parent", tag: host.config.parentImage },
    { role: "worker", tag: host.config.workerImage },
  ];
  const states = await host.imageStates(wanted);
  report({ step: "images", images: states });
  const missing = states.filter((s) => !s.present).map(({ role, tag }) => ({ role, tag }));
  let built: Built[] = [];
  if (missing.length > 0) {
    if (!opts.build) {
      throw new InvalidInputError(
        `missing image${missing.length > 1 ? "s" : ""} ${missing.map((m) => m.tag).join(", ")}`,
        {
          hint: "build them with `hal9000 build`, or give up() a builder (@hal9000/images' buildImages)",
        },
      );
    }
    report({ step: "building", missing });
    const started = Date.now();
    built = await opts.build(missing);
    report({ step: "built", tags: built.map((b) => b.tag), seconds: (Date.now() - started) / 1000 });
  }
  const present = states.filter((s) => s.present).map((s) => s.tag);

  const { created } = await host.initHome();
  report({ step: "home", path: host.layout.home, created });

  const mcp = opts.startRelay ? await opts.startRelay() : null;

  const before = await host.parentStatus();
  const parent = await host.startParent();
  const parentStarted = before.state !== "running";
  report({ step: "parent", parent, started: parentStarted });

  let worker: WorkerInfo | null = null;
  if (opts.project !== undefined) {
    // Spawn's own default: it returns once Claude's session is ready, or reports a worker that
    // exited at once with its own output.
    worker = await host.spawn({ project: opts.project, detach: true, name: opts.name, image: opts.image });
    report({ step: "worker", worker });
  }
  return {
    docker,
    images: { present, built },
    home: { path: host.layout.home, created },
    parent,
    parentStarted,
    mcp,
    worker,
  };
}
