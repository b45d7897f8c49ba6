import type { ConfigSource, Hal9000Config, HomeLayout, SessionStore } from "@hal9000/volumes";
import type { Engine } from "../engine/engine.js";
import type { PathContext } from "./host-paths.js";

/** What every operation needs: one per Hal9000 instance, built by Hal9000.open. */
export interface CoreContext {
  /** The one engine client every operation speaks through. */
  engine: Engine;
  config: Hal9000Config;
  sources: Record<keyof Hal9000Config, ConfigSource>;
  layout: HomeLayout;
  sessions: SessionStore;
  /** The caller's environment (ANTHROPIC_API_KEY, HAL9000_HOST_HOME, DOCKER_HOST). */
  env: NodeJS.ProcessEnv;
  paths: PathContext;
}
