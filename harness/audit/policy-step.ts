import type { Verdict } from "../claims/verdict.ts";
import type { CanaryPod } from "../tetragon/enforcing.ts";
import type { AppliedPolicyContext } from "./policy-lifecycle.ts";
import { type PolicyRecord, type PolicySummary, policySummary } from "./policy-record.ts";

/** What the attacks under the policy are handed: the policy proven enforcing, the pod the canary read in (attack that one) and its node. */
export type EnforcedAttackContext = AppliedPolicyContext & { pod: CanaryPod; node: string };

/** The attacks run while the policy enforces; they return the verdicts they recorded. */
export type EnforcedAttacks = (ctx: EnforcedAttackContext) => Promise<Verdict[]>;

/** The --apply-policy lifecycle bound to the cluster (policy-cli.ts applyPolicyWith). */
export type ApplyPolicy = (attacks: EnforcedAttacks) => Promise<{ value: Verdict[]; record: PolicyRecord }>;

/** What the audit run gives the bound lifecycle once its bundle exists. */
export interface PolicyBinding {
  runId: string;
  write(rel: string, content: string | object): Promise<unknown>;
  onRecord(record: PolicyRecord): void;
}

/** The claims the enforcement phase judges: without a proven policy they cannot be. */
export const ENFORCED_CLAIMS = ["T1", "T2", "T3"] as const;

interface StepRecord {
  claims: { claim: string; status: "run" | "inconclusive"; reasons: string[] }[];
  policy?: PolicySummary;
}

/**
 * The --apply-policy step of an audit run: binds the lifecycle to the run's
 * bundle (run.json's `audit.policy` follows each state of audit/policy.json),
 * runs `attacks` under the policy, and on any failure turns T1, T2 and T3 that
 * were to run into inconclusive with the reason. The step is recorded like
 * every other (`step`); its failure fails the run.
 */
export async function runPolicyStep(
  c: { record: StepRecord; runId: string; write: PolicyBinding["write"]; step(name: string, fn: () => Promise<void>): Promise<string | undefined> },
  bind: (b: PolicyBinding) => ApplyPolicy,
  source: string,
  attacks: EnforcedAttacks,
): Promise<Verdict[]> {
  let verdicts: Verdict[] = [];
  const apply = bind({ runId: c.runId, write: c.write, onRecord: (r) => void (c.record.policy = policySummary(r)) });
  // The verdicts are kept as soon as the attacks return: a removal that fails after them fails the run, not their judgement.
  const error = await c.step(`--apply-policy: apply ${source}, prove it enforces, run the attacks under it, remove it and prove the unload`, async () => {
    await apply(async (ctx) => (verdicts = await attacks(ctx)));
  });
  if (error !== undefined && verdicts.length === 0) {
    for (const id of ENFORCED_CLAIMS) {
      const x = c.record.claims.find((k) => k.claim === id);
      if (x?.status === "run") Object.assign(x, { status: "inconclusive", reasons: [...x.reasons, `--apply-policy failed: ${error}`] });
    }
  }
  return verdicts;
}
