export {
  type AnthropicStub,
  type StubOptions,
  type StubRequest,
  startAnthropicStub,
  startStub,
} from "./anthropic-stub.js";
export { cleanupFleet } from "./cleanup.js";
export {
  demuxLogs,
  type OneShotResult,
  RanToCompletion,
  runToCompletion,
  testContainer,
} from "./containers.js";
export { type ExecResult, execDetached, execIn, execInSplit, readAll, type SplitExecResult } from "./exec.js";
export { type TestFleet, testEnv, testFleet } from "./fleet.js";
export { containerGone } from "./gone.js";
export { type TempHome, tempDir, tempHome } from "./home.js";
export { type HostStub, startHostStub } from "./host-stub.js";
export { TEST_LABEL, uniqueName } from "./names.js";
export { tarOneFile } from "./tar.js";
export { waitFor } from "./wait.js";
