import { describe, expect, it } from "vitest";
import { FALLBACK_WORKER_USER, workerUser } from "../../src/worker/user.js";

describe("workerUser", () => {
  it("takes the first candidate that is not root", () => {
    expect(
      workerUser([
        { uid: 4321, gid: 4322 },
        { uid: 1000, gid: 1000 },
      ]),
    ).toEqual({ uid: 4321, gid: 4322 });
    expect(
      workerUser([
        { uid: 0, gid: 0 },
        { uid: 2345, gid: 2346 },
      ]),
    ).toEqual({ uid: 2345, gid: 2346 });
    expect(workerUser([undefined, { uid: 501, gid: 20 }])).toEqual({ uid: 501, gid: 20 });
  });

  it("falls back to 1000:1000 when every candidate is root or unknown: a worker never runs as root", () => {
    expect(workerUser([{ uid: 0, gid: 0 }, undefined, { uid: 0, gid: 0 }])).toEqual({ uid: 1000, gid: 1000 });
    expect(workerUser([])).toEqual(FALLBACK_WORKER_USER);
  });

  it("replaces GID 0 by the UID (no membership of group root)", () => {
    expect(workerUser([{ uid: 4321, gid: 0 }])).toEqual({ uid: 4321, gid: 4321 });
  });

  it("skips ids that are not valid UIDs", () => {
    expect(
      workerUser([
        { uid: -1, gid: 5 },
        { uid: Number.NaN, gid: 1 },
        { uid: 7, gid: 7 },
      ]),
    ).toEqual({
      uid: 7,
      gid: 7,
    });
  });

  it("returns a copy: callers cannot change the fallback", () => {
    const u = workerUser([]);
    u.uid = 0;
    expect(FALLBACK_WORKER_USER.uid).toBe(1000);
  });
});
