import type { Readable } from "node:stream";
import {
  BuildFailedError,
  type BuildMessage,
  type Dockerode,
  DockerUnavailableError,
  dockerEngine,
} from "@hal9000/core";
import { engineMessage, logFor } from "@hal9000/core/internal";
import { packContext } from "./build-context.js";
import { interpretBuildMessage } from "./build-stream.js";
import { currentImageId, removeReplacedImage } from "./replaced-image.js";

const log = logFor("images:build");

export interface ContextBuildOptions {
  docker: Dockerode;
  /** Folder sent to the daemon as the build context. */
  contextDir: string;
  tag: string;
  /** Dockerfile path inside the context. Default "Dockerfile". */
  dockerfile?: string;
  buildargs?: Record<string, string>;
  labels?: Record<string, string>;
  noCache?: boolean;
  signal?: AbortSignal;
  onOutput?: (line: { kind: "step" | "log"; message: string }) => void;
}

export interface BuiltContext {
  tag: string;
  id: string;
  size: number;
}

/**
 * Sends a folder to the daemon's classic builder and follows the build to its end.
 * A step that fails (`errorDetail` in the stream) or a Dockerfile the daemon rejects
 * becomes a BuildFailedError carrying the daemon's own message; an abort rejects with
 * the signal's reason and closes the request, which stops the build on the daemon.
 */
export async function buildContextDir(opts: ContextBuildOptions): Promise<BuiltContext> {
  const { tag, signal } = opts;
  const engine = dockerEngine(opts.docker);
  signal?.throwIfAborted();
  const previousId = await currentImageId(engine, tag);
  const tar = packContext(opts.contextDir);
  // The request pipes the archive without listening for its errors: an unreadable file
  // must fail this build, not crash the process.
  let packError: Error | undefined;
  tar.on("error", (err: Error) => {
    packError = err;
  });
  let lastStep: string | undefined;
  let id: string | undefined;
  try {
    let messages: AsyncIterable<BuildMessage>;
    try {
      messages = await engine.images.build(tar, {
        tag,
        dockerfile: opts.dockerfile ?? "Dockerfile",
        buildargs: opts.buildargs ?? {},
        labels: opts.labels ?? {},
        noCache: opts.noCache === true,
        ...(signal && { signal }),
      });
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (packError) throw packError;
      throw rejected(err, tag);
    }
    try {
      for await (const msg of messages) {
        for (const out of interpretBuildMessage(msg)) {
          if (out.kind === "error") {
            const where = lastStep ? ` at ${lastStep}` : "";
            throw new BuildFailedError(`building ${tag} failed${where}: ${out.message}`, {
              hint: "the daemon's message above says which instruction failed and why",
            });
          }
          if (out.kind === "image-id") id = out.id;
          else {
            if (out.kind === "step") lastStep = out.message;
            log("%s: %s", tag, out.message);
            opts.onOutput?.({ kind: out.kind, message: out.message });
          }
        }
      }
    } catch (err) {
      if (err instanceof BuildFailedError) throw err;
      if (signal?.aborted) throw signal.reason;
      throw packError ?? err;
    }
  } finally {
    (tar as Readable).destroy();
  }
  if (!id) {
    throw new BuildFailedError(`the daemon ended the build of ${tag} without reporting an image`, {
      hint: "run the build again with DEBUG=hal9000:* to see the daemon's output",
    });
  }
  const image = await engine.images.inspect(tag);
  if (!image) {
    throw new BuildFailedError(`the image ${tag} was gone right after its build`, {
      hint: "something removed it meanwhile; run the build again",
    });
  }
  if (previousId) await removeReplacedImage(engine, previousId, image.Id);
  return { tag, id: image.Id, size: image.Size };
}

/** The daemon refused the build before streaming (bad Dockerfile, bad option): keep its words. */
function rejected(err: unknown, tag: string): Error {
  if (err instanceof DockerUnavailableError) return err;
  return new BuildFailedError(`building ${tag} failed: ${engineMessage(err)}`, {
    hint: "the daemon rejected the build before it started; fix the Dockerfile or the build options",
    cause: err,
  });
}
