/**
 * Three headless tasks on one project, two at a time: each runs `claude -p` in a fresh worker,
 * and the results come back in input order (the README's example; `pnpm typecheck` checks it).
 *
 *   npx tsx examples/three-tasks.ts ~/src/my-project
 *
 * Workers get the credential stored with `hal9000 auth set` (for a Claude subscription, the
 * token of `claude setup-token`: `hal9000 auth set --oauth-token`).
 */
import { Hal9000 } from "@hal9000/core";

const project = process.argv[2] ?? ".";
const hal = await Hal9000.open();
await hal.startParent();
const results = await hal.runTasks(
  [
    { project, prompt: "add a README section on testing", allowedTools: ["Write", "Edit"] },
    { project, prompt: "list the TODOs in src/" },
    { project, prompt: "summarise the last change", timeoutMs: 120_000 },
  ],
  { concurrency: 2 },
);
for (const r of results) {
  if (r.status === "fulfilled") {
    console.log(r.value.ok ? "ok" : "failed", r.value.text, `$${r.value.costUsd}`);
  } else {
    console.log("error:", r.reason.code, r.reason.message); // TASK_TIMEOUT, CREDENTIAL_REFUSED, …
  }
}
