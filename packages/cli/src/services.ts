/**
 * Everything a command talks to, injected (as aws-amplify's ampx does): the real wiring is in
 * default-services.ts, tests pass fakes and run the real parser against them.
 */
import type { BuildOptions, BuiltImage, ImageTarget, SizeReport } from "@hal9000/images";
import type { Hal9000Config, HomeLayout, HomeStatus } from "@hal9000/volumes";
import type { Hal9000Api, TerminalIO } from "./api.js";
import type { Writable } from "./output.js";

export type { BuildEvent, BuiltImage, ImageSize, ImageTarget, SizeReport } from "@hal9000/images";
// The specs subpath, not the package root: the parser needs the targets, not dockerode.
export { IMAGE_TARGETS } from "@hal9000/images/specs";

/** What `build` and `up` ask of the images package: its BuildOptions, the part they set. */
export type BuildRequest = Pick<
  BuildOptions,
  "targets" | "tags" | "claudeVersion" | "noCache" | "signal" | "onProgress" | "cliBundle"
> & { docker: EngineClient };

/** The engine client the facade holds; builds, size reports and volume cleaning use the same one. */
export type EngineClient = Hal9000Api["docker"];

export interface OpenOptions {
  /** The --home flag (core resolves it against HAL9000_HOME and the default). */
  home?: string;
  env: NodeJS.ProcessEnv;
  /** Config values from command-line flags. */
  flags: Partial<Hal9000Config>;
  /** Base for relative project paths. */
  cwd: string;
}

export interface Services {
  /** Loads config and layout (does not contact Docker). */
  open(options: OpenOptions): Promise<Hal9000Api>;
  buildImages(request: BuildRequest): Promise<BuiltImage[]>;
  imageSizeReport(docker: EngineClient, tags?: Partial<Record<ImageTarget, string>>): Promise<SizeReport>;
  volumes: {
    init(layout: HomeLayout): Promise<{ created: string[] }>;
    status(layout: HomeLayout): Promise<HomeStatus>;
    clean(
      layout: HomeLayout,
      docker: EngineClient | undefined,
    ): Promise<{ removed: string[]; skipped?: string[] }>;
  };
  /** The Docker address a Hal9000 talks to, e.g. `unix:///var/run/docker.sock`. */
  describeDocker(docker: EngineClient): string;
  /** Whether a unix socket exists, is a socket, and is readable and writable by us. */
  socketStatus(path: string): Promise<{ exists: boolean; isSocket: boolean; accessible: boolean }>;
  /** Path of the one-file CLI bundle the parent image carries. */
  cliBundlePath(): string;
  /** hal9000's own version (stamped on images and containers). */
  version: string;
  stdout: Writable & TerminalIO["stdout"];
  stderr: Writable & { isTTY?: boolean; columns?: number };
  stdin: TerminalIO["stdin"];
  isTTY: { stdin: boolean; stdout: boolean; stderr: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Asks a question on the terminal and returns the answer line. */
  prompt(question: string): Promise<string>;
  /** Aborts on SIGTERM / SIGINT (the coordinator's stop). */
  shutdownSignal(): AbortSignal;
  /** Turns on the `hal9000:*` debug logs (--verbose). */
  enableDebug(): void;
}
