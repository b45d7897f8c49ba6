import type Docker from "dockerode";

/**
 * Registers a wait with the daemon and resolves once the daemon has it (the response
 * headers arrive after the waiter is registered), so a start that follows can't beat it.
 * The inner promise is the exit code; it rejects if `signal` aborts the wait first.
 */
export function registerWait(
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
        if (err) return reject(err);
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
