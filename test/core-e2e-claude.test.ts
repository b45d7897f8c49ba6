import type { Hal9000 } from "@hal9000/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AnthropicStub,
  readAll,
  startAnthropicStub,
  type TestFleet,
  testFleet,
  waitFor,
} from "./helpers/index.js";

/** The real Claude CLI in a real worker, talking to a stub of the Messages API on the parent's loopback. */
describe("end to end: claude -p in a worker", () => {
  let fleet: TestFleet;
  let hal: Hal9000;
  let stub: AnthropicStub;

  beforeAll(async () => {
    fleet = await testFleet();
    hal = fleet.hal;
    await hal.startParent();
    stub = await startAnthropicStub(fleet.docker, fleet.parentName, "Hi there, from the hal9000 stub.");
  });

  afterAll(async () => {
    await fleet?.cleanup();
  });

  it('prints the model\'s reply to `claude -p "say hi"`', async () => {
    const w = await hal.spawn({ command: ["claude", "-p", "say hi"], env: stub.env, removeOnExit: false });
    const exited = await waitFor(
      "claude to finish",
      async () => {
        const info = await fleet.docker.getContainer(w.name).inspect();
        return info.State.Status === "exited" ? info.State : undefined;
      },
      { timeoutMs: 90_000 },
    );
    const output = await readAll(await hal.logs(w.name));
    expect(output, output).toContain("Hi there, from the hal9000 stub.");
    expect(exited.ExitCode).toBe(0);
    const requests = await stub.requests();
    expect(requests).toContainEqual(
      expect.objectContaining({
        method: "POST",
        url: "/v1/messages?beta=true",
        stream: true,
        model: expect.stringMatching(/^claude-/),
      }),
    );
    // Claude kept its state in the worker's home on the host.
    expect((await hal.sessions.read(w.name))?.state).toMatch(/running|exited/);
  });
});
