export * from "./docker.js";
export * from "./errors.js";
export * from "./labels.js";
export { logFor } from "./log.js";
export { HAL9000_VERSION } from "./version.js";
