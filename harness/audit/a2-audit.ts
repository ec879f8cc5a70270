import { randomBytes } from "node:crypto";
import { collectA2 } from "../claims/a2-no-secrets/collect.ts";
import { writeA2Evidence } from "../claims/a2-no-secrets/evidence.ts";
import { type A2Input, judgeA2, scopeOf } from "../claims/a2-no-secrets/judge.ts";
import { ID as A2_FAMILY } from "../claims/a2-no-secrets/layout.ts";
import type { Needle } from "../claims/a2-no-secrets/scan.ts";
import type { Verdict } from "../claims/verdict.ts";
import type { ArtifactWriter } from "../evidence/recorder.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import type { AuditTarget } from "./target.ts";

export const NOT_PLANTED = "an audit never writes to the cluster, so no canary Secret was planted for the scan to find";

/**
 * A2's scope in an audit: the workload's namespace must hold no Secret, as
 * in the suite; the needles are what the audit could read (none in read-only
 * mode: the mounted password needs pods/exec), and the control is a canary
 * that was never planted, so the judge can fail A2 but never pass it. Pure
 * but for the canary's random value.
 */
export function auditA2Scope(t: AuditTarget, identities: Needle[] = []): Omit<A2Input, "secretsAndConfigMaps" | "pods"> {
  const canary = { label: "canary (not planted)", value: `a2-audit-canary-${randomBytes(16).toString("hex")}` };
  return {
    identities,
    control: { needle: canary, namespace: t.workload.namespace, name: "(not planted)", notPlanted: NOT_PLANTED },
    secretFreeNamespaces: [t.workload.namespace],
    allowedSecrets: [],
  };
}

/**
 * Lists every Secret, ConfigMap and Pod (list only), judges A2 and records
 * its evidence and verdict like the suite; `identities` are the DB usernames
 * Vault issued for the role (app-usernames.ts), when the audit could read
 * them, and the mounted password --attack read.
 */
export async function runAuditA2(kube: Pick<Kubectl, "json">, t: AuditTarget, w: ArtifactWriter, identities: Needle[] = []): Promise<Verdict> {
  const scope = auditA2Scope(t, identities);
  const docs = await collectA2(kube);
  const result = judgeA2({ ...docs, ...scope });
  const paths = await writeA2Evidence(w, scopeOf(scope), result);
  const v = { ...result.verdict, evidence: paths };
  await w.verdicts(A2_FAMILY, [v]);
  return v;
}
