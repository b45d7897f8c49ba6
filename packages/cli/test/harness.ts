/**
 * Runs the real parser (`run`) against fakes of the packages: an in-memory fleet for the
 * Hal9000 facade and the image builder, and the real @hal9000/volumes on a temp HAL9000_HOME
 * (it is plain files, no Docker). Captures stdout, stderr and the exit code.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import {
  ConflictError,
  DockerUnavailableError,
  NotFoundError,
  ParentNotRunningError,
  WorkerExitedError,
} from "@hal9000/core";
import {
  addMcpServer,
  credentialReport,
  credentialSource,
  forgetCredential,
  listMcpServers,
  removeMcpServer,
  runUp,
  storeCredential,
  type UpImage,
  type UpOptions,
} from "@hal9000/core/internal";
import { IMAGES, type ImageSize, type ImageTarget } from "@hal9000/images";
import {
  cleanHome,
  defaultConfig,
  type Hal9000Config,
  homeLayout,
  homeStatus,
  initHome,
  loadConfig,
  readCoordinatorLog,
  resolveHome,
} from "@hal9000/volumes";
import type {
  AgentStateChange,
  FleetStatus,
  Hal9000Api,
  McpRelayStatus,
  McpServerInput,
  McpServerList,
  ParentStatus,
  SpawnOptions,
  TaskEvent,
  TaskOptions,
  TaskResult,
  TerminalIO,
  WorkerInfo,
} from "../src/api.js";
import { run } from "../src/run.js";
import type { BuildRequest, OpenOptions, Services } from "../src/services.js";

export const VERSION = "0.1.0";

export interface FakeWorld {
  dockerUp: boolean;
  /** What the MCP relay reports (default: no server configured). */
  mcp?: McpRelayStatus;
  /** Tag → hal9000.version label of the images that exist. */
  images: Map<string, string | undefined>;
  parent: ParentStatus;
  workers: WorkerInfo[];
  logs: Map<string, string>;
  /** Every call made to the facade and the services, in order. */
  calls: { method: string; args: unknown[] }[];
  /** Exit code an interactive worker / shell / exec ends with. */
  interactiveExitCode: number;
  builds: BuildRequest[];
  buildFails?: Error;
  /** What a detached spawn throws once its worker is made (e.g. it exited at once). */
  spawnFails?: Error;
  /** The agent state a spawned worker reports (default: working); "starting": readiness timed out. */
  spawnedAgentState?: NonNullable<WorkerInfo["agent"]>["state"];
  opened: OpenOptions[];
  coordinatorStopped?: boolean;
  /** What runTask does: these events, then this result (or error). */
  task?: { events: TaskEvent[]; result?: TaskResult; error?: Error };
  /** What waitFor throws. */
  waitFails?: Error;
}

export function newWorld(partial: Partial<FakeWorld> = {}): FakeWorld {
  return {
    dockerUp: true,
    images: new Map([
      [IMAGES.parent.defaultTag, VERSION],
      [IMAGES.worker.defaultTag, VERSION],
    ]),
    parent: { name: "hal9000-parent", state: "missing" },
    workers: [],
    logs: new Map(),
    calls: [],
    interactiveExitCode: 0,
    builds: [],
    opened: [],
    ...partial,
  };
}

export function worker(name: string, extra: Partial<WorkerInfo> = {}): WorkerInfo {
  return {
    name,
    id: `${name}-id-0123456789abcdef`,
    image: "hal9000/worker:latest",
    state: "running",
    status: "Up 2 minutes",
    parent: "hal9000-parent",
    project: "/home/me/project",
    created: "2025-01-01T00:00:00.000Z",
    startedAt: "2025-01-01T00:00:00.000Z",
    detached: true,
    removeOnExit: true,
    agent: {
      state: "working",
      since: "2025-01-01T00:01:00.000Z",
      lastTool: "Edit",
      message: null,
      sessionId: "sess-1",
      exitCode: null,
    },
    ...extra,
  };
}

export function agentChange(name: string, over: Partial<AgentStateChange> = {}): AgentStateChange {
  return {
    name,
    state: "idle",
    since: "2025-01-01T00:02:00.000Z",
    lastTool: null,
    message: null,
    sessionId: "sess-1",
    exitCode: null,
    seenAt: "2025-01-01T00:02:00.100Z",
    ...over,
  };
}

export function fakeTaskResult(extra: Partial<TaskResult> = {}): TaskResult {
  return {
    subtype: "success",
    isError: false,
    text: "Done.",
    sessionId: "sess-1",
    costUsd: 0.0012,
    turns: 2,
    durationMs: 1500,
    durationApiMs: 900,
    usage: null,
    permissionDenials: [],
    worker: "hal9000-worker-task",
    ok: true,
    exitCode: 0,
    ...extra,
  };
}

/** What core throws when a detached worker (here Claude without its API, on project /p) stops at once. */
export function exitedAtOnce(name: string): WorkerExitedError {
  const lastOutput = [
    "Unable to connect to Anthropic services",
    "Failed to connect to api.anthropic.com: ENOTFOUND",
  ];
  const logFile = `/home/me/.hal9000/logs/${name}.log`;
  return new WorkerExitedError(
    `worker ${name} exited right after starting (exit code 1): ${lastOutput.join(" | ")}`,
    {
      worker: name,
      exitCode: 1,
      lastOutput,
      logFile,
      hint: `its whole output is in ${logFile}; to watch it start, run \`hal9000 spawn /p\` (interactive), or \`hal9000 spawn -d --no-rm /p\` then \`hal9000 logs <name>\``,
    },
  );
}

const dockerDown = () =>
  new DockerUnavailableError("Cannot connect to Docker daemon: no socket at unix:///var/run/docker.sock", {
    hint: "start Docker, or set DOCKER_HOST",
  });

/** The facade, over the world: enough behaviour that each command's effect can be asserted. */
class FakeHal9000 implements Hal9000Api {
  readonly docker = { fake: "docker" } as unknown as Hal9000Api["docker"];
  constructor(
    private readonly world: FakeWorld,
    readonly config: Hal9000Config,
    readonly layout: ReturnType<typeof homeLayout>,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  // The real workflow and the real credential code over this fake's Docker (HAL9000_HOME is a
  // real temp dir): what the CLI prints is tested against what the packages do.
  up<B extends { tag: string }, R>(opts?: UpOptions<B, R>) {
    return runUp(this, opts);
  }
  async imageStates(images: readonly UpImage[]) {
    this.call("imageStates", images);
    return images.map((i) => ({
      ...i,
      present: this.world.images.has(i.tag),
      version: this.world.images.get(i.tag) ?? null,
    }));
  }
  initHome() {
    return initHome(this.layout);
  }
  credentialStatus() {
    return credentialReport(this.layout, this.env);
  }
  setCredential(input: Parameters<Hal9000Api["setCredential"]>[0]) {
    return storeCredential(this.layout, input);
  }
  removeCredential() {
    return forgetCredential(this.layout);
  }
  credentialSource() {
    return credentialSource(this.layout, this.env);
  }
  coordinatorLog(opts: { lines?: number } = {}) {
    return readCoordinatorLog(this.layout, opts.lines);
  }

  private call(method: string, ...args: unknown[]): void {
    this.world.calls.push({ method, args });
    if (!this.world.dockerUp) throw dockerDown();
  }

  private requireParent(): void {
    if (this.world.parent.state !== "running") throw new ParentNotRunningError(this.config.parentName);
  }

  private find(name: string): WorkerInfo {
    const w = this.world.workers.find((x) => x.name === name);
    if (!w) {
      throw new NotFoundError(`worker "${name}" not found`, {
        hint: "see running workers with `hal9000 list`",
      });
    }
    return w;
  }

  async ping() {
    this.call("ping");
    return { version: "20.10.24", apiVersion: "1.41", os: "linux", arch: "amd64" };
  }
  async startParent() {
    this.call("startParent");
    this.world.parent = {
      name: this.config.parentName,
      state: "running",
      id: "parentid0123456789",
      image: this.config.parentImage,
      startedAt: new Date().toISOString(),
      version: VERSION,
    };
    return this.world.parent;
  }
  async stopParent() {
    this.call("stopParent");
    if (this.world.parent.state !== "missing") this.world.parent = { ...this.world.parent, state: "exited" };
    return this.world.parent;
  }
  async restartParent() {
    this.call("restartParent");
    return this.startParent();
  }
  async parentStatus() {
    this.call("parentStatus");
    return { ...this.world.parent, name: this.config.parentName };
  }
  async spawn(opts: SpawnOptions) {
    this.call("spawn", opts);
    this.requireParent();
    const name = opts.name ?? `hal9000-worker-${this.world.workers.length + 1}`;
    if (this.world.workers.some((w) => w.name === name)) {
      throw new ConflictError(`a worker named "${name}" already exists`, {
        hint: "pick another name with -n",
      });
    }
    const w = worker(name, {
      image: opts.image ?? this.config.workerImage,
      project: opts.project ?? null,
      detached: opts.detach === true,
      removeOnExit: opts.removeOnExit ?? this.config.workerRemoveOnExit,
    });
    if (this.world.spawnedAgentState && w.agent)
      w.agent = { ...w.agent, state: this.world.spawnedAgentState };
    if (this.world.spawnFails) throw this.world.spawnFails;
    this.world.workers.push(w);
    return w;
  }
  async runInteractive(opts: SpawnOptions, io: TerminalIO) {
    this.call("runInteractive", opts, io);
    this.requireParent();
    io.stdout.write("claude> bye\n");
    return this.world.interactiveExitCode;
  }
  async list() {
    this.call("list");
    return this.world.workers;
  }
  async count() {
    this.call("count");
    return this.world.workers.filter((w) => w.state === "running").length;
  }
  async stop(name: string) {
    this.call("stop", name);
    this.find(name);
    this.world.workers = this.world.workers.filter((w) => w.name !== name);
  }
  async leftWork(names?: string[]) {
    this.call("leftWork", names);
    return [];
  }
  // Branch results run the user's git on real repositories: test/branches-*.test.ts covers them.
  async diff(name: string): Promise<never> {
    this.call("diff", name);
    throw new NotFoundError(`worker "${name}" has no branch`);
  }
  async commit(name: string): Promise<never> {
    this.call("commit", name);
    throw new NotFoundError(`worker "${name}" has no branch`);
  }
  async merge(name: string): Promise<never> {
    this.call("merge", name);
    throw new NotFoundError(`worker "${name}" has no branch`);
  }
  async conflicts() {
    this.call("conflicts");
    return { workers: [], overlaps: [], pairs: [] };
  }
  async discard(name: string): Promise<never> {
    this.call("discard", name);
    throw new NotFoundError(`worker "${name}" has no branch`);
  }
  async stopAll() {
    this.call("stopAll");
    const names = this.world.workers.map((w) => w.name);
    this.world.workers = [];
    return names;
  }
  async logs(name: string, opts?: { follow?: boolean; tail?: number }) {
    this.call("logs", name, opts);
    this.find(name);
    const text = this.world.logs.get(name) ?? "";
    return Readable.from([Buffer.from(text)]);
  }
  async exec(name: string, command: string[]) {
    this.call("exec", name, command);
    this.find(name);
    return { exitCode: 0, stdout: `ran ${command.join(" ")}\n`, stderr: "", truncated: false };
  }
  async attach(name: string, io: TerminalIO) {
    this.call("attach", name, io);
    this.find(name);
    io.stdout.write(`shell in ${name}\n`);
    return this.world.interactiveExitCode;
  }
  async mcpRelay(): Promise<McpRelayStatus> {
    this.world.calls.push({ method: "mcpRelay", args: [] }); // needs no Docker
    return (
      this.world.mcp ?? {
        state: "not-configured",
        configured: [],
        socket: `${this.layout.home}/run/mcp-relay.sock`,
      }
    );
  }
  /** The real mcp.json of the temp home, joined with the fake relay's report. */
  mcpServers(): Promise<McpServerList> {
    this.world.calls.push({ method: "mcpServers", args: [] }); // needs no Docker
    return listMcpServers(this.layout, () => this.mcpRelay());
  }
  addMcpServer(name: string, server: McpServerInput, opts?: { replace?: boolean }): Promise<void> {
    this.world.calls.push({ method: "addMcpServer", args: [name, server, opts] });
    return addMcpServer(this.layout, name, server, opts);
  }
  removeMcpServer(name: string): Promise<void> {
    this.world.calls.push({ method: "removeMcpServer", args: [name] });
    return removeMcpServer(this.layout, name);
  }
  async status(): Promise<FleetStatus> {
    this.call("status");
    return {
      parent: { ...this.world.parent, name: this.config.parentName },
      workers: this.world.workers.map((w) => ({
        ...w,
        uptimeSeconds: 125,
        cpuPercent: 12.5,
        cpuIntervalSeconds: 5.02,
        cpuSince: "2025-01-01T00:00:00.000000001Z",
        memoryBytes: 256_000_000,
        memoryLimitBytes: 4_000_000_000,
        sampledAt: "2025-01-01T00:00:05.020000001Z",
        limits: { memoryBytes: 4_000_000_000, cpus: 2, pidsLimit: 512 },
        user: "1000:1000",
      })),
      sessionRecords: this.world.workers.length,
      corruptRecords: 0,
      mcp: this.world.mcp ?? {
        state: "not-configured",
        configured: [],
        socket: `${this.layout.home}/run/mcp-relay.sock`,
      },
    };
  }
  /** Draws once, then one change (as a Docker event would), then waits for the signal. */
  async watchFleet(opts: { signal: AbortSignal; onChange: () => Promise<void> | void }) {
    this.call("watchFleet");
    await opts.onChange();
    await opts.onChange();
    await new Promise<void>((resolve) => {
      if (opts.signal.aborted) resolve();
      else opts.signal.addEventListener("abort", () => resolve(), { once: true });
    });
  }
  async runCoordinator(opts: { signal: AbortSignal }) {
    this.call("runCoordinator", opts);
    await new Promise<void>((resolve) => {
      if (opts.signal.aborted) resolve();
      opts.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    this.world.coordinatorStopped = true;
  }
  runTask(opts: TaskOptions) {
    this.call("runTask", opts);
    const task = this.world.task ?? { events: [] };
    const result =
      task.error !== undefined
        ? Promise.reject(task.error)
        : Promise.resolve(task.result ?? fakeTaskResult({ worker: "hal9000-worker-task" }));
    result.catch(() => undefined);
    return {
      result,
      worker: Promise.resolve("hal9000-worker-task"),
      events: task.events,
      async *[Symbol.asyncIterator]() {
        yield* task.events;
      },
    };
  }
  async shell(name: string, io: TerminalIO) {
    this.call("shell", name, io);
    this.find(name);
    io.stdout.write(`shell in ${name}\n`);
    return this.world.interactiveExitCode;
  }
  async send(name: string, prompt: string, opts?: { wait?: boolean; timeoutMs?: number }) {
    this.call("send", name, prompt, opts);
    this.find(name);
    return opts?.wait ? agentChange(name, { state: "idle" }) : undefined;
  }
  async *watch(opts?: { names?: string[] }) {
    this.call("watch", opts);
    for (const w of this.world.workers) yield agentChange(w.name, w.agent ?? {});
  }
  async waitFor(opts?: { names?: string[]; until?: string; timeoutMs?: number }) {
    this.call("waitFor", opts);
    if (this.world.waitFails) throw this.world.waitFails;
    const names = opts?.names ?? this.world.workers.map((w) => w.name);
    return names.map((n) => agentChange(n, { state: (opts?.until ?? "idle") as AgentStateChange["state"] }));
  }
  async runTasks(): Promise<never> {
    throw new Error("the CLI does not call runTasks");
  }
  async execInParent(command: string[], io: TerminalIO) {
    this.call("execInParent", command, io);
    this.requireParent();
    return this.world.interactiveExitCode;
  }
}

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
  world: FakeWorld;
  home: string;
}

export interface RunOptions {
  world?: FakeWorld;
  tty?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Lines typed at prompts, in order. */
  answers?: string[];
  home?: string;
  /** Aborts the coordinator's signal after this many ms (default: at once). */
  abortCoordinator?: boolean;
  /** What stdin carries (default: nothing). */
  stdin?: string;
}

/** A terminal or pipe that keeps what was written (synchronously, so nothing is missed). */
class Sink extends Writable {
  text = "";
  isTTY: boolean;
  columns = 100;
  rows = 30;
  constructor(tty: boolean) {
    super();
    this.isTTY = tty;
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

let homes: string[] = [];

/** A fresh temp HAL9000_HOME; removed by `cleanupHomes`. */
export async function tempHome(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "hal9000-cli-test-"));
  homes.push(dir);
  return join(dir, "home");
}

export async function cleanupHomes(): Promise<void> {
  await Promise.all(homes.map((h) => rm(h, { recursive: true, force: true })));
  homes = [];
}

/** One CLI run against fakes. HAL9000_HOME is a temp dir unless `home` is given. */
export async function cli(args: string[], opts: RunOptions = {}): Promise<Captured> {
  const world = opts.world ?? newWorld();
  const home = opts.home ?? (await tempHome());
  const tty = opts.tty ?? false;
  const stdout = new Sink(tty);
  const stderr = new Sink(tty);
  const stdin = Object.assign(Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]), {
    isTTY: tty,
  });
  const answers = [...(opts.answers ?? [])];
  const env: NodeJS.ProcessEnv = { HAL9000_HOME: home, ...opts.env };
  const services: Services = {
    open: async (o) => {
      world.opened.push(o);
      const h = resolveHome({ flag: o.home, env: o.env });
      const { config } = await loadConfig({ home: h, env: o.env, flags: o.flags });
      return new FakeHal9000(world, config, homeLayout(h, config), o.env);
    },
    buildImages: async (request) => {
      world.calls.push({ method: "buildImages", args: [request] });
      world.builds.push(request);
      if (world.buildFails) throw world.buildFails;
      return request.targets.map((target: ImageTarget) => {
        const tag = request.tags?.[target] ?? IMAGES[target].defaultTag;
        request.onProgress?.({ target, kind: "step", message: "Step 1/2 : FROM debian:bookworm-slim" });
        request.onProgress?.({ target, kind: "log", message: "apt-get install tmux" });
        request.onProgress?.({ target, kind: "done", message: `built ${tag}` });
        world.images.set(tag, VERSION);
        return { target, tag, id: `sha256:${target}`, size: 250_000_000 };
      });
    },
    imageSizeReport: async (_docker, tags) => {
      world.calls.push({ method: "imageSizeReport", args: [tags] });
      const images: ImageSize[] = [];
      const missing: { target: ImageTarget; tag: string }[] = [];
      for (const target of Object.keys(IMAGES) as ImageTarget[]) {
        const tag = tags?.[target] ?? IMAGES[target].defaultTag;
        if (!world.images.has(tag)) {
          missing.push({ target, tag });
          continue;
        }
        images.push({
          target,
          tag,
          id: `sha256:${target}`,
          size: 250_000_000,
          baseImage: "debian:bookworm-slim",
          baseSize: 80_000_000,
          aboveBase: 170_000_000,
          claudeVersion: target === "parent" ? null : "2.1.0",
          claudeBinarySize: target === "parent" ? null : 150_000_000,
          overheadAboveClaude: target === "parent" ? null : 100_000_000,
          version: world.images.get(tag),
        } as ImageSize);
      }
      return { images, missing };
    },
    volumes: {
      init: (layout) => initHome(layout),
      status: (layout) => homeStatus(layout),
      clean: (layout, docker) => {
        world.calls.push({ method: "cleanHome", args: [docker] });
        return cleanHome(layout, { confirm: true });
      },
    },
    describeDocker: () => "unix:///var/run/docker.sock",
    socketStatus: async () =>
      world.dockerUp
        ? { exists: true, isSocket: true, accessible: true }
        : { exists: false, isSocket: false, accessible: false },
    cliBundlePath: () => "/fake/dist/bundle/hal9000.cjs",
    version: VERSION,
    stdout,
    stderr,
    stdin,
    isTTY: { stdin: tty, stdout: tty, stderr: tty },
    env,
    cwd: "/home/me",
    prompt: async (question) => {
      stderr.write(question);
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`unexpected prompt: ${question}`);
      return answer;
    },
    shutdownSignal: () => AbortSignal.timeout(10),
    enableDebug: () => {
      world.calls.push({ method: "enableDebug", args: [] });
    },
  };
  const code = await run(args, services);
  return { code, stdout: stdout.text, stderr: stderr.text, world, home };
}

/** Calls to the facade (not the services) by method name. */
export function called(world: FakeWorld, method: string): unknown[][] {
  return world.calls.filter((c) => c.method === method).map((c) => c.args);
}

export { defaultConfig };
