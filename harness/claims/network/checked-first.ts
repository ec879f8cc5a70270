type Settled<T> = PromiseSettledResult<T>;

/**
 * The upstream checks and the look-ups, already started together, awaited
 * together: resolves with their results in order, or rejects with the first
 * failure in that order, so a failed check is reported before a look-up's
 * failure, whatever finished first. Every promise is awaited, so none is
 * left to reject unhandled.
 */
export async function checkedFirst<C, L extends readonly unknown[]>(checks: Promise<C>, ...lookups: { [K in keyof L]: Promise<L[K]> }): Promise<[C, ...L]> {
  const settled = (await Promise.allSettled([checks, ...lookups])) as Settled<unknown>[];
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [C, ...L];
}
