import { defaultServices } from "./default-services.js";
import { run } from "./run.js";

/** The `hal9000` bin: runs, then exits with the code (open sockets or a paused stdin must not keep it alive). */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const code = await run(argv, defaultServices());
  process.exitCode = code;
  await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
  process.exit(code);
}
