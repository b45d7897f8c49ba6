import { randomBytes } from "node:crypto";

/** `<prefix>-<8 hex>`: unique per call, so suites and runs never collide on one daemon. */
export function uniqueName(prefix = "hal9000-test"): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

/** Label every container a test makes itself (impostors, helpers) so cleanup finds it. */
export const TEST_LABEL = "hal9000-test.owner";
