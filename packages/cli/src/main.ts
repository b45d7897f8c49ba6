import { HAL9000_VERSION } from "@hal9000/core";
import yargs from "yargs";

/** The one error boundary: the only place that sets the exit code. */
export async function main(argv: string[]): Promise<void> {
  const cli = yargs(argv).scriptName("hal9000").version(HAL9000_VERSION).strict().demandCommand(1).help();
  try {
    await cli.parseAsync();
  } catch (err) {
    process.stderr.write(`hal9000: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
