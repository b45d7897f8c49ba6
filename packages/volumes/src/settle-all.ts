/**
 * Independent file writes run at once, but a failure is reported only once every one of them
 * has settled: the cleanup that follows a failure never races a write still in flight (a
 * credential written after its removal would be left behind).
 */
export async function settleAll<T extends readonly unknown[]>(
  work: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(work);
  for (const r of results) if (r.status === "rejected") throw r.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}
