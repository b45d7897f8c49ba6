export type * from "./api.js";
export { cliBundlePath } from "./bundle-path.js";
export { defaultServices } from "./default-services.js";
export { main } from "./main.js";
export { run } from "./run.js";
export type * from "./services.js";
