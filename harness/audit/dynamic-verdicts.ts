import { ID as DYNAMIC_FAMILY } from "../claims/dynamic/layout.ts";
import { judgeDynamicPassive } from "../claims/dynamic/passive.ts";
import { writeDynamicPassiveEvidence } from "../claims/dynamic/passive-evidence.ts";
import type { ClaimId, Verdict } from "../claims/verdict.ts";
import type { ArtifactWriter } from "../evidence/recorder.ts";
import { DYNAMIC_AUDIT_LAYOUT } from "./dynamic-audit.ts";
import type { PassiveDynamic } from "./dynamic-passive.ts";

/**
 * D1–D3 in a read-only audit: the recorded observation judged by the dynamic
 * family's passive judge, dynamic/passive.json naming it, the verdicts
 * recorded like the suite's so `verify` re-judges them.
 */
export async function judgeAuditDynamic(observed: PassiveDynamic, findings: Partial<Record<ClaimId, string>>, w: Pick<ArtifactWriter, "write" | "verdicts">): Promise<Verdict[]> {
  const evidence = await writeDynamicPassiveEvidence(w, { observation: DYNAMIC_AUDIT_LAYOUT.observed, findings: DYNAMIC_AUDIT_LAYOUT.findings });
  const verdicts = judgeDynamicPassive({ judge: "dynamic-passive", observation: observed, ...(findings.D2 ? { d2Finding: findings.D2 } : {}), evidence });
  await w.verdicts(DYNAMIC_FAMILY, verdicts);
  return verdicts;
}
