import { type RawReader, collectA1Passive } from "../claims/a1-encryption/collect-passive.ts";
import { ID as A1_FAMILY } from "../claims/a1-encryption/layout.ts";
import { judgeA1Passive } from "../claims/a1-encryption/passive.ts";
import { writeA1PassiveEvidence } from "../claims/a1-encryption/passive-evidence.ts";
import type { Verdict } from "../claims/verdict.ts";
import type { ArtifactWriter } from "../evidence/recorder.ts";

/**
 * A1 in a read-only audit: the raw values read over the target's etcd client
 * (target.etcd endpoints and client files), judged by the passive judge, its
 * evidence and verdict recorded like the suite's so `verify` re-judges them.
 */
export async function runAuditA1(reader: RawReader, w: Pick<ArtifactWriter, "write" | "verdicts">): Promise<Verdict> {
  const e = await collectA1Passive(reader);
  const paths = await writeA1PassiveEvidence(w, e);
  const v = judgeA1Passive({ ...e, evidence: paths });
  await w.verdicts(A1_FAMILY, [v]);
  return v;
}
