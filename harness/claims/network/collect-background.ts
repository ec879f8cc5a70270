import type { EvidenceSink } from "../../evidence/sealable-writer.ts";
import { collectN1, type N1Deps } from "./collect-run.ts";
import { COLLECTION_RECORD, type CollectionRecord } from "./collection.ts";
import { writeN1Evidence, type N1Record } from "./evidence.ts";

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const withCause = (err: unknown) => `${message(err)}${err instanceof Error && err.cause ? `: ${message(err.cause)}` : ""}`;

/**
 * N1's collection as the global setup runs it, beside A1 and A2: collectN1,
 * its evidence written, then collection.json saying how it ended (written
 * last, also when the collection failed, so a suite waiting for it learns
 * that the attempt is over). Judging is the network suite's, from the
 * evidence as written. Rejects only when collection.json cannot be written
 * (a sealed writer).
 */
export async function runNetworkCollection(
  d: N1Deps & { signal: AbortSignal },
  evidence: Pick<EvidenceSink, "write">,
  collect: (d: N1Deps) => Promise<N1Record> = collectN1,
  now: () => number = Date.now,
): Promise<CollectionRecord> {
  const t0 = now();
  let error: string | undefined;
  try {
    await writeN1Evidence(evidence, await collect(d));
  } catch (err) {
    error = withCause(err);
  }
  const record: CollectionRecord = { startedAt: new Date(t0).toISOString(), durationMs: now() - t0, ...(error === undefined ? {} : { error }) };
  await evidence.write(COLLECTION_RECORD, record);
  return record;
}
