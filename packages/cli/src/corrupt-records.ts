import { type HomeLayout, SessionStore } from "@hal9000/volumes";
import type { Output } from "./output.js";

/**
 * A corrupt session record never stops `list` or `status`, but a person hears about it: which
 * file, what is wrong, how to fix. On stderr, so a --json document stays the only thing on stdout.
 */
export async function warnCorruptRecords(out: Output, layout: HomeLayout): Promise<void> {
  let corrupt: { file: string; error: string }[];
  try {
    ({ corrupt } = await new SessionStore(layout.sessions).list());
  } catch {
    return; // an unreadable sessions dir is `hal9000 volumes status`'s to explain
  }
  if (corrupt.length === 0) return;
  const s = out.errStyle;
  for (const c of corrupt) out.note(`${s.yellow("warning:")} corrupt session record ${c.file}: ${c.error}`);
  const files = corrupt.map((c) => c.file).join(" ");
  out.note(
    `  ${s.dim("hint:")} delete ${corrupt.length > 1 ? "them" : "it"} (rm ${files}); hal9000 recreates records for live workers`,
  );
}
