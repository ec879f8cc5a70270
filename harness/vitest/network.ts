import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { toMs } from "../../clusters/duration.ts";
import { COLLECTION_RECORD, collectionProblem, collectionProbe, networkWaitMs, notEndedMessage, type CollectionRecord } from "../claims/network/collection.ts";
import { readN1Evidence } from "../claims/network/evidence.ts";
import { LAYOUT } from "../claims/network/layout.ts";
import type { N1Evidence } from "../claims/network/types.ts";
import { waitFor, WaitTimeoutError } from "../core/wait.ts";
import { bundleView } from "../report/bundle.ts";
import type { E2E } from "./e2e.ts";

const read = (dir: string, rel: string) => readFile(join(dir, rel)).then((b) => [rel, b] as const, () => undefined);

/**
 * Waits for N1's collection, which the global setup started at the end of
 * bring-up (harness/cluster/run/network-background.ts), to write
 * collection.json: by then its commands in the app pod have ended. Fails,
 * naming the collection, the wait and `why` it was needed, when it has not
 * within networkWaitMs of the profile.
 */
export async function awaitNetworkEnd(e2e: Pick<E2E, "ctx" | "profile">, why: string): Promise<CollectionRecord> {
  const dir = e2e.ctx.runDir;
  const probe = async () => collectionProbe((await read(dir, COLLECTION_RECORD))?.[1].toString("utf8"));
  return waitFor(`N1's collection to write ${COLLECTION_RECORD}`, probe, { timeoutMs: networkWaitMs(e2e.profile), intervalMs: toMs(e2e.profile.waits.poll) }).catch((err: unknown) => {
    throw err instanceof WaitTimeoutError ? new Error(notEndedMessage(e2e.profile, dir, why), { cause: err }) : err;
  });
}

/** N1's evidence as the collection wrote it, read back from the run directory as `secretproof verify` reads it; fails with the collection's own failure. */
export async function awaitNetworkEvidence(e2e: Pick<E2E, "ctx" | "profile">): Promise<{ evidence: N1Evidence; paths: string[] }> {
  const record = await awaitNetworkEnd(e2e, "the network suite judges what it recorded");
  const problem = collectionProblem(record);
  if (problem) throw new Error(problem);
  const files = (await Promise.all(Object.values(LAYOUT).map((rel) => read(e2e.ctx.runDir, rel)))).filter((f) => f !== undefined);
  return readN1Evidence(bundleView(new Map(files)));
}
