// The Messages API stub (test/fixtures/anthropic-stub.mjs) on the bench parent's loopback, which
// its workers share: every Claude the bench starts talks to it, never to the internet.
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { root } from "./env.mjs";

/** Starts the stub in `parentName`; resolves to its base URL once it listens. */
export async function startStub(bench, reply = "Hello from the bench stub!") {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const log = `/tmp/bench-stub-${port}.log`;
  await bench.docker([
    "cp",
    join(root, "test/fixtures/anthropic-stub.mjs"),
    `${bench.parentName}:/tmp/bench-stub.mjs`,
  ]);
  const config = JSON.stringify({ port, reply });
  await bench.docker([
    "exec",
    "-d",
    bench.parentName,
    "sh",
    "-c",
    `exec node /tmp/bench-stub.mjs '${config}' > ${log} 2>&1`,
  ]);
  for (let i = 0; i < 150; i++) {
    const { stdout } = await bench.docker(["exec", bench.parentName, "cat", log]).catch(() => ({}));
    if (stdout?.includes("listening")) return `http://127.0.0.1:${port}`;
    await sleep(200);
  }
  throw new Error(`the Anthropic stub did not start in ${bench.parentName}`);
}
