export { type BuildOptions, type BuiltImage, buildImages } from "./build.js";
export { type ContextInputs, packContext, prepareContext } from "./build-context.js";
export { type BuiltContext, buildContextDir, type ContextBuildOptions } from "./build-context-dir.js";
export type { BuildEvent } from "./build-event.js";
export { type BuildMessage, type BuildOutput, interpretBuildMessage } from "./build-stream.js";
export { claudeCachePath, resolveCacheDir } from "./cache-dir.js";
export {
  CLAUDE_PACKAGE,
  type ClaudePlatform,
  claudePlatformFor,
  claudePlatformPackage,
  DEFAULT_CLAUDE_VERSION,
  DEFAULT_NPM_REGISTRY,
  type FetchClaudeOptions,
  type FetchedClaudeCli,
  fetchClaudeCli,
  resolveClaudeVersion,
  resolveRegistry,
} from "./claude-cli.js";
export {
  BASE_IMAGE,
  IMAGE_TARGETS,
  IMAGES,
  type ImageSpec,
  type ImageTarget,
  isImageTarget,
  LABEL_BASE_IMAGE,
  LABEL_CLAUDE_SIZE,
  LABEL_CLAUDE_VERSION,
  LABEL_IMAGE,
  LABEL_REVISION,
  packageRoot,
} from "./images.js";
export { type IntegrityAlgorithm, type IntegrityHash, parseIntegrity, verifyIntegrity } from "./integrity.js";
export { sourceRevision } from "./revision.js";
export { type ImageSize, imageSizeReport, type SizeReport } from "./size-report.js";
export { extractPackageFile } from "./tarball.js";
