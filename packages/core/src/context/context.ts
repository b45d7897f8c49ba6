import type { ConfigSource, Hal9000Config, HomeLayout, SessionStore } from "@hal9000/volumes";
import type Docker from "dockerode";
import type { PathContext } from "./host-paths.js";

/** What every operation needs: one per Hal9000 instance, built by Hal9000.open. */
export interface CoreContext {
  docker: Docker;
  config: Hal9000Config;
  sources: Record<keyof Hal9000Config, ConfigSource>;
  layout: HomeLayout;
  sessions: SessionStore;
  /** The caller's environment (ANTHROPIC_API_KEY, HAL9000_HOST_HOME, DOCKER_HOST). */
  env: NodeJS.ProcessEnv;
  paths: PathContext;
}
