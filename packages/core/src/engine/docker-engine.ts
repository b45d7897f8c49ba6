import { type Duplex, PassThrough, Readable } from "node:stream";
import type Docker from "dockerode";
import { describeDockerHost, dockerStatus, mapDockerError, pingDocker } from "./docker.js";
import type {
  BuildMessage,
  ContainerClient,
  ContainerDetails,
  ContainerStats,
  ContainerSummary,
  Engine,
  EngineEvent,
  EngineInfo,
  ExecSession,
  ImageClient,
  PipedExec,
} from "./engine.js";
import { jsonLines } from "./json-lines.js";

/** Docker's names start with "/"; hal9000's never do. */
const bare = (name: string | undefined, fallback: string) => (name ?? fallback).replace(/^\//, "");

const engines = new WeakMap<Docker, Engine>();

/**
 * The Docker implementation of Engine over one dockerode client: the only place in hal9000
 * that calls dockerode's API methods. One Engine per client (memoised), so the daemon is
 * pinged once per client whoever asks.
 */
export function dockerEngine(docker: Docker): Engine {
  let engine = engines.get(docker);
  if (!engine) {
    engine = createDockerEngine(docker);
    engines.set(docker, engine);
  }
  return engine;
}

function createDockerEngine(docker: Docker): Engine {
  const fail = (err: unknown, what: string) => mapDockerError(err, docker, what);
  let pinged: Promise<EngineInfo> | undefined;

  const containers: ContainerClient = {
    async list(filters, what = "listing containers") {
      try {
        const found = await docker.listContainers({ all: true, filters });
        return found.map((c): ContainerSummary => ({ ...c, name: bare(c.Names[0], c.Id) }));
      } catch (err) {
        throw fail(err, what);
      }
    },
    async inspect(ref, what = `inspecting container "${ref}"`) {
      try {
        const info = await docker.getContainer(ref).inspect();
        return { ...info, name: bare(info.Name, info.Id) } satisfies ContainerDetails;
      } catch (err) {
        if (dockerStatus(err) === 404) return undefined;
        throw fail(err, what);
      }
    },
    async create(options, what = `creating container "${options.name ?? ""}"`) {
      try {
        return (await docker.createContainer(options)).id;
      } catch (err) {
        throw fail(err, what);
      }
    },
    async start(ref, what = `starting container "${ref}"`) {
      try {
        await docker.getContainer(ref).start();
        return "started";
      } catch (err) {
        if (dockerStatus(err) === 304) return "already";
        throw fail(err, what);
      }
    },
    async unpause(ref, what = `unpausing container "${ref}"`) {
      try {
        await docker.getContainer(ref).unpause();
      } catch (err) {
        throw fail(err, what);
      }
    },
    async stop(ref, timeoutSeconds, what = `stopping container "${ref}"`) {
      try {
        await docker.getContainer(ref).stop({ t: timeoutSeconds });
        return "stopped";
      } catch (err) {
        const status = dockerStatus(err);
        if (status === 304) return "not-running";
        if (status === 404) return "gone";
        throw fail(err, what);
      }
    },
    async restart(ref, timeoutSeconds, what = `restarting container "${ref}"`) {
      try {
        await docker.getContainer(ref).restart({ t: timeoutSeconds });
      } catch (err) {
        throw fail(err, what);
      }
    },
    async rename(ref, name, what = `renaming container "${ref}" to "${name}"`) {
      try {
        await docker.getContainer(ref).rename({ name });
      } catch (err) {
        throw fail(err, what);
      }
    },
    async remove(ref, what = `removing container "${ref}"`) {
      try {
        await docker.getContainer(ref).remove({ force: true });
        return true;
      } catch (err) {
        if (dockerStatus(err) === 404) return false;
        throw fail(err, what);
      }
    },
    wait: (ref, condition, signal) => registerWait(docker, ref, condition, signal),
    async removed(ref, what = `waiting for container "${ref}" to be removed`) {
      try {
        await docker.getContainer(ref).wait({ condition: "removed" });
      } catch (err) {
        if (dockerStatus(err) !== 404) throw fail(err, what);
      }
    },
    async attach(ref, opts, what = `attaching to container "${ref}"`) {
      try {
        // dockerode types the hijacked connection as a plain ReadWriteStream; it is a socket.
        const output = opts.output ?? true;
        return (await docker.getContainer(ref).attach({
          stream: true,
          stdin: opts.stdin,
          stdout: output,
          stderr: output,
          ...(opts.stdin ? { hijack: true } : {}),
          ...(opts.detachKeys ? { detachKeys: opts.detachKeys } : {}),
          ...(opts.signal ? { abortSignal: opts.signal } : {}),
        })) as unknown as Duplex;
      } catch (err) {
        throw fail(err, what);
      }
    },
    async resize(ref, size) {
      await docker.getContainer(ref).resize(size);
    },
    async logs(ref, opts, what = `reading the logs of container "${ref}"`) {
      try {
        return await containerLogStream(docker, docker.getContainer(ref), opts);
      } catch (err) {
        if (dockerStatus(err) === 404) return undefined;
        throw fail(err, what);
      }
    },
    async stats(ref, opts = {}) {
      try {
        const query = opts.oneShot
          ? { stream: false as const, "one-shot": true }
          : { stream: false as const };
        return (await docker.getContainer(ref).stats(query)) as ContainerStats;
      } catch {
        return undefined;
      }
    },
    async exec(ref, command, what = `running ${command[0] ?? "a command"} in "${ref}"`) {
      try {
        const exec = await docker.getContainer(ref).exec({
          Cmd: command,
          AttachStdin: true,
          AttachStdout: true,
          AttachStderr: true,
          Tty: true,
        });
        const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as Duplex;
        const ended = new Promise<void>((resolve) => {
          stream.once("end", resolve);
          stream.once("close", resolve);
        });
        const session: ExecSession = {
          stream,
          resize: async (size) => {
            await exec.resize(size);
          },
          exitCode: () =>
            ended.then(() => execExitCode(exec)).catch((err: unknown) => Promise.reject(fail(err, what))),
        };
        return session;
      } catch (err) {
        throw fail(err, what);
      }
    },
    async execPiped(ref, command, opts, what = `running ${command[0] ?? "a command"} in "${ref}"`) {
      try {
        const exec = await docker.getContainer(ref).exec({
          Cmd: command,
          AttachStdout: true,
          AttachStderr: true,
          Tty: false,
          ...(opts.cwd ? { WorkingDir: opts.cwd } : {}),
          ...(opts.env ? { Env: Object.entries(opts.env).map(([k, v]) => `${k}=${v}`) } : {}),
        });
        const stream = await exec.start({ hijack: true, stdin: false });
        const stdout = new PassThrough();
        const stderr = new PassThrough();
        docker.modem.demuxStream(stream, stdout, stderr);
        const ended = new Promise<void>((resolve) => {
          stream.once("end", resolve);
          stream.once("close", resolve);
        }).then(() => {
          stdout.end();
          stderr.end();
        });
        const piped: PipedExec = {
          stdout,
          stderr,
          ended,
          close: () => (stream as Duplex).destroy(),
          exitCode: () =>
            ended.then(() => execExitCode(exec)).catch((err: unknown) => Promise.reject(fail(err, what))),
        };
        return piped;
      } catch (err) {
        throw fail(err, what);
      }
    },
  };

  const images: ImageClient = {
    async inspect(ref, what = `inspecting image "${ref}"`) {
      try {
        return await docker.getImage(ref).inspect();
      } catch (err) {
        if (dockerStatus(err) === 404) return undefined;
        throw fail(err, what);
      }
    },
    async remove(ref, opts, what = `removing image "${ref}"`) {
      try {
        await docker.getImage(ref).remove({ noprune: opts.noprune ?? false });
        return true;
      } catch (err) {
        if (dockerStatus(err) === 404) return false;
        throw fail(err, what);
      }
    },
    async build(context, opts, what = `building ${opts.tag}`) {
      let res: NodeJS.ReadableStream;
      try {
        res = (await docker.buildImage(context, {
          t: opts.tag,
          dockerfile: opts.dockerfile,
          buildargs: opts.buildargs,
          labels: opts.labels,
          nocache: opts.noCache,
          rm: true,
          forcerm: true,
          // The classic builder, whose JSON stream is parsed (BuildKit sends protobuf traces).
          version: "1",
          abortSignal: opts.signal,
        } as Docker.ImageBuildOptions)) as NodeJS.ReadableStream;
      } catch (err) {
        if (opts.signal?.aborted) throw opts.signal.reason;
        throw fail(err, what);
      }
      // Not JSON (a proxy's error page, say): kept visible as output rather than dropped.
      return jsonLines<BuildMessage>(res as AsyncIterable<Buffer>, (line) => ({ stream: line }));
    },
  };

  return {
    get where() {
      return describeDockerHost(docker);
    },
    get socketPath() {
      return socketPathOf(docker);
    },
    ping() {
      pinged ??= pingDocker(docker).catch((err: unknown) => {
        pinged = undefined; // a daemon that was down may be up at the next call
        throw err;
      });
      return pinged;
    },
    containers,
    images,
    async events(query, signal) {
      const what = query.what ?? "events";
      let stream: NodeJS.ReadableStream;
      try {
        stream = await docker.getEvents({
          filters: query.filters,
          ...(query.since === undefined ? {} : { since: query.since }),
        });
      } catch (err) {
        throw fail(err, what);
      }
      const destroy = () => (stream as Readable).destroy();
      if (signal.aborted) destroy();
      else signal.addEventListener("abort", destroy, { once: true });
      return (async function* () {
        try {
          yield* jsonLines<EngineEvent>(stream as AsyncIterable<Buffer>, (line) => {
            query.unreadable?.(line);
            return undefined;
          });
        } catch (err) {
          if (!signal.aborted) throw fail(err, what);
        } finally {
          signal.removeEventListener("abort", destroy);
          destroy();
        }
      })();
    },
  };
}

function socketPathOf(docker: Docker): string | undefined {
  // dockerode keeps its connection options on the modem, untyped.
  const socketPath = (docker.modem as { socketPath?: unknown } | undefined)?.socketPath;
  return typeof socketPath === "string" && socketPath !== "" ? socketPath : undefined;
}

/**
 * Registers a wait with the daemon and resolves once the daemon has it (the response
 * headers arrive after the waiter is registered), so a start that follows can't beat it.
 * The inner promise is the exit code; it rejects if `signal` aborts the wait first.
 */
function registerWait(
  docker: Docker,
  id: string,
  condition: "next-exit" | "not-running" | "removed",
  signal?: AbortSignal,
): Promise<{ exitCode: Promise<number> }> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${id}/wait?`,
        method: "POST",
        options: { condition },
        abortSignal: signal,
        isStream: true,
        statusCodes: { 200: true, 400: "bad parameter", 404: "no such container", 500: "server error" },
      },
      (err: unknown, res: unknown) => {
        if (err) return reject(mapDockerError(err, docker, `waiting for container "${id}"`));
        const body = res as NodeJS.ReadableStream;
        const exitCode = new Promise<number>((done, fail) => {
          let text = "";
          body.setEncoding("utf8");
          body.on("data", (chunk: string) => {
            text += chunk;
          });
          body.on("end", () => {
            try {
              const parsed = JSON.parse(text) as { StatusCode?: number; Error?: { Message?: string } | null };
              if (parsed.Error?.Message) fail(new Error(parsed.Error.Message));
              else done(parsed.StatusCode ?? 0);
            } catch (e) {
              fail(e);
            }
          });
          body.on("error", fail);
          // Destroyed before the answer (an aborted wait): settles nothing otherwise.
          body.on("close", () => fail(new Error("the wait for the container ended without an answer")));
        });
        resolve({ exitCode });
      },
    );
  });
}

/**
 * Splits the Engine API's multiplexed log format (8-byte header: stream type, 0, 0, 0,
 * big-endian length) into plain output. Containers with a TTY send raw bytes instead.
 */
export function demuxLogBuffer(buf: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buf.length) {
    const size = buf.readUInt32BE(offset + 4);
    parts.push(buf.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts);
}

/** A container's output as one plain stream (stdout and stderr together). */
async function containerLogStream(
  docker: Docker,
  container: Docker.Container,
  opts: { follow: boolean; tail?: number; since?: number; tty: boolean },
): Promise<Readable> {
  const base = {
    stdout: true,
    stderr: true,
    since: opts.since ?? 0,
    ...(opts.tail === undefined ? {} : { tail: opts.tail }),
  };
  if (!opts.follow) {
    // dockerode's overloads type a non-following answer as a stream; it is the whole body.
    const buf = (await container.logs({ ...base, follow: false })) as unknown as Buffer;
    return Readable.from([opts.tty ? buf : demuxLogBuffer(buf)]);
  }
  const raw = (await container.logs({ ...base, follow: true })) as Readable;
  if (opts.tty) return raw;
  const out = new PassThrough();
  docker.modem.demuxStream(raw, out, out);
  raw.on("end", () => out.end());
  raw.on("error", (err) => out.destroy(err));
  out.on("close", () => raw.destroy());
  return out;
}

/** The exec's exit code; the daemon may need a moment after the stream closes to record it. */
async function execExitCode(exec: Docker.Exec): Promise<number> {
  for (let i = 0; ; i++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    if (i >= 50) return info.Running ? -1 : (info.ExitCode ?? -1);
    await new Promise((r) => setTimeout(r, 100));
  }
}
