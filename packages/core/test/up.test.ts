/** `up`'s order of steps and its refusals, over a fake of the facade's methods (pure orchestration). */
import { homeLayout } from "@hal9000/volumes";
import { describe, expect, it } from "vitest";
import { runUp, type UpHost, type UpImage, type UpStep } from "../src/up.js";
import { InvalidInputError, NoCredentialError } from "../src/vocabulary/errors.js";

function host(over: { credential?: string | null; missing?: string[] } = {}) {
  const calls: string[] = [];
  const missing = new Set(over.missing ?? []);
  const running = { name: "hal9000-parent", state: "running" } as Awaited<ReturnType<UpHost["parentStatus"]>>;
  const h: UpHost = {
    layout: homeLayout("/tmp/hal9000-up-test"),
    config: { parentImage: "hal9000/parent:latest", workerImage: "hal9000/worker:latest" },
    ping: async () => {
      calls.push("ping");
      return { version: "27.0", apiVersion: "1.46", os: "linux", arch: "amd64" } as Awaited<
        ReturnType<UpHost["ping"]>
      >;
    },
    credentialSource: async () => {
      calls.push("credentialSource");
      return over.credential === undefined ? "stored" : over.credential;
    },
    imageStates: async (images) => {
      calls.push("imageStates");
      return images.map((i) => ({ ...i, present: !missing.has(i.tag), version: "0.1.0" }));
    },
    initHome: async () => {
      calls.push("initHome");
      return { created: [] };
    },
    parentStatus: async () => {
      calls.push("parentStatus");
      return { ...running, state: "missing" };
    },
    startParent: async () => {
      calls.push("startParent");
      return running;
    },
    spawn: async (opts) => {
      calls.push(`spawn ${opts.project}`);
      return { name: opts.name ?? "w" } as Awaited<ReturnType<UpHost["spawn"]>>;
    },
  };
  return { h, calls };
}

describe("up", () => {
  it("Docker, credential, images, home, parent, worker: in that order, each step reported", async () => {
    const { h, calls } = host();
    const steps: UpStep["step"][] = [];
    const r = await runUp(h, { project: "/p", name: "w1", onStep: (s) => steps.push(s.step) });
    expect(calls).toEqual([
      "ping",
      "credentialSource",
      "imageStates",
      "initHome",
      "parentStatus",
      "startParent",
      "spawn /p",
    ]);
    expect(steps).toEqual(["docker", "images", "home", "parent", "worker"]);
    expect(r).toMatchObject({ parentStarted: true, worker: { name: "w1" }, images: { built: [] } });
  });

  it("no credential with a project: NoCredentialError after the ping, nothing else done", async () => {
    const { h, calls } = host({ credential: null });
    const err = await runUp(h, { project: "/p" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoCredentialError);
    expect((err as NoCredentialError).code).toBe("NO_CREDENTIAL");
    expect((err as NoCredentialError).hint).toContain("hal9000 auth set");
    expect(calls).toEqual(["ping", "credentialSource"]);
    // Without a project there is no worker, and no credential is asked for.
    const plain = host({ credential: null });
    await runUp(plain.h);
    expect(plain.calls).not.toContain("credentialSource");
  });

  it("missing images: built by the caller's builder (only those), else a clear error before any start", async () => {
    const built: UpImage[][] = [];
    const { h } = host({ missing: ["hal9000/worker:latest"] });
    const r = await runUp(h, {
      build: async (m) => {
        built.push(m);
        return m.map((i) => ({ tag: i.tag, size: 1 }));
      },
    });
    expect(built).toEqual([[{ role: "worker", tag: "hal9000/worker:latest" }]]);
    expect(r.images).toEqual({
      present: ["hal9000/parent:latest"],
      built: [{ tag: "hal9000/worker:latest", size: 1 }],
    });

    const bare = host({ missing: ["hal9000/parent:latest"] });
    await expect(runUp(bare.h)).rejects.toThrow(InvalidInputError);
    expect(bare.calls).not.toContain("startParent");
  });

  it("a name or image without a project is refused before Docker is asked", async () => {
    const { h, calls } = host();
    await expect(runUp(h, { name: "w1" })).rejects.toThrow(InvalidInputError);
    expect(calls).toEqual([]);
  });
});
