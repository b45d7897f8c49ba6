// debug is CommonJS: required, not imported (see dockerode-extras.ts).
import { createDebug } from "#dockerode-extras";

/** Debug logs go to stderr under the `hal9000:*` namespaces (enable with DEBUG=hal9000:* or --verbose). */
export const log = createDebug("hal9000:core");
export const logFor = (area: string) => createDebug(`hal9000:${area}`);
