/** The real wiring of the services: the packages, the process's streams, signals and terminal. */
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import type * as Core from "@hal9000/core/internal";
import { HAL9000_VERSION } from "@hal9000/core/version";
import { cleanHome, homeStatus, initHome } from "@hal9000/volumes";
import { cliBundlePath } from "./bundle-path.js";
import type { Services } from "./services.js";

// @hal9000/core and @hal9000/images load dockerode (and with it grpc, protobufjs and ssh2), and
// debug is only for --verbose: all are imported on first use, so --version, --help, usage errors
// and completion skip them. The packages wait for debug, so their logs are on from the start.
let debugEnabled: Promise<void> = Promise.resolve();
let core: typeof Core | undefined;
const loadCore = async (): Promise<typeof Core> => {
  await debugEnabled;
  core ??= await import("@hal9000/core/internal");
  return core;
};
const loadImages = async () => {
  await debugEnabled;
  return import("@hal9000/images");
};

function enableDebug(): void {
  debugEnabled = import("debug").then(({ default: createDebug }) => createDebug.enable("hal9000:*"));
}

export function defaultServices(): Services {
  return {
    open: async (options) => (await loadCore()).Hal9000.open(options),
    buildImages: async (request) => (await loadImages()).buildImages(request),
    imageSizeReport: async (docker, tags) => (await loadImages()).imageSizeReport(docker, tags),
    volumes: {
      init: (layout) => initHome(layout),
      status: (layout) => homeStatus(layout),
      clean: (layout, docker) => cleanHome(layout, { confirm: true, volumes: docker }),
    },
    describeDocker: (docker) => {
      // Its argument is a Hal9000's docker, so open() has loaded core already.
      if (!core) throw new Error("describeDocker called before open()");
      return core.describeDockerHost(docker);
    },
    socketStatus,
    cliBundlePath,
    version: HAL9000_VERSION,
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    isTTY: {
      stdin: process.stdin.isTTY === true,
      stdout: process.stdout.isTTY === true,
      stderr: process.stderr.isTTY === true,
    },
    env: process.env,
    cwd: process.cwd(),
    prompt,
    shutdownSignal,
    enableDebug,
  };
}

async function socketStatus(
  path: string,
): Promise<{ exists: boolean; isSocket: boolean; accessible: boolean }> {
  try {
    const st = await stat(path);
    const accessible = await access(path, constants.R_OK | constants.W_OK).then(
      () => true,
      () => false,
    );
    return { exists: true, isSocket: st.isSocket(), accessible };
  } catch {
    return { exists: false, isSocket: false, accessible: false };
  }
}

/** Asks on stderr (stdout may be a --json document) and reads one line from stdin. */
function prompt(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer);
    });
    rl.once("close", () => resolve(""));
  });
}

/** Aborted by the first SIGTERM or SIGINT. */
function shutdownSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    process.off("SIGTERM", stop);
    process.off("SIGINT", stop);
    controller.abort(new Error(`received ${signal}`));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  return controller.signal;
}
