// "#dockerode-extras" for bundlers (the "module" condition of package.json "imports"): a bundle
// has no node_modules to defer or require from, so dockerode and debug are plain imports there.

export { default as createDebug } from "debug";
export { default as Dockerode } from "dockerode";
