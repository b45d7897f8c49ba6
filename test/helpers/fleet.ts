import { Hal9000, type Hal9000Options } from "@hal9000/core";
import type Docker from "dockerode";
import { cleanupFleet } from "./cleanup.js";
import { type TempHome, tempHome } from "./home.js";
import { uniqueName } from "./names.js";

export interface TestFleet {
  hal: Hal9000;
  docker: Docker;
  home: TempHome;
  parentName: string;
  /** Another Hal9000 on the same home and parent (e.g. with other flags or env). */
  open(options?: Omit<Hal9000Options, "home">): Promise<Hal9000>;
  /** Removes the parent, its workers and TEST_LABEL containers, then the home. */
  cleanup(): Promise<void>;
}

/** The environment a test's Hal9000 sees: the caller's PATH/HOME/DOCKER_HOST only, no HAL9000_* leaking in. */
export function testEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ["PATH", "HOME", "DOCKER_HOST"]) if (process.env[key]) env[key] = process.env[key];
  return { ...env, ...extra };
}

/** A temp HAL9000_HOME and a unique parent name (`hal9000-test-<random>`); nothing started yet. */
export async function testFleet(options: Omit<Hal9000Options, "home"> = {}): Promise<TestFleet> {
  const home = await tempHome();
  const parentName = uniqueName("hal9000-test");
  const open = (o: Omit<Hal9000Options, "home"> = {}) =>
    Hal9000.open({
      ...o,
      home: home.home,
      env: o.env ?? testEnv(),
      flags: { parentName, ...o.flags },
    });
  const hal = await open(options);
  return {
    hal,
    docker: hal.docker,
    home,
    parentName,
    open,
    async cleanup() {
      await cleanupFleet(hal.docker, parentName);
      await home.remove();
    },
  };
}
