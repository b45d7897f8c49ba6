import pkg from "../../package.json" with { type: "json" };

/** The hal9000 version, stamped on every container and image as `hal9000.version`. */
export const HAL9000_VERSION: string = pkg.version;
