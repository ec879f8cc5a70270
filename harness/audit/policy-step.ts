import { PermanentError } from "../core/errors.ts";
import { recordedVerdicts } from "./enforcement-error.ts";
import type { Verdict } from "../claims/verdict.ts";
import type { CanaryPod } from "../tetragon/enforcing.ts";
import { AfterRemoval } from "./after-removal.ts";
import type { AppliedPolicyContext } from "./policy-lifecycle.ts";
import { type PolicyRecord, type PolicySummary, policySummary } from "./policy-record.ts";

/** What the attacks under the policy are handed: the policy proven enforcing, the pod the canary read in (attack that one) and its node. */
export type EnforcedAttackContext = AppliedPolicyContext & { pod: CanaryPod; node: string };

/** The attacks run while the policy enforces; they return the verdicts they recorded, or what runs once the policy is removed and then records them. */
export type EnforcedAttacks = (ctx: EnforcedAttackContext) => Promise<Verdict[] | AfterRemoval<Verdict[]>>;

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
  /** Why the --apply-policy step failed (a refusal before the apply, the proof, the attacks or the removal). */
  policyError?: string;
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
    // Recorded before the failure (verdicts/enforcement.json): run.json keeps them as recorded.
    const kept = async (v: () => Promise<Verdict[]>) => v().then((x) => (verdicts = x), (err: unknown) => ((verdicts = recordedVerdicts(err) ?? verdicts), Promise.reject(err)));
    await apply(async (ctx) => {
      let staged: AfterRemoval<Verdict[]> | undefined;
      const v = await kept(async () => {
        const r = await attacks(ctx);
        return r instanceof AfterRemoval ? ((staged = r), []) : r;
      });
      // Their verdicts are recorded once the read after the policy's removal ran (enforcement-phase.ts), when the attacks leave one.
      return staged ? new AfterRemoval(staged.afterRemoval, () => kept(staged!.finish)) : v;
    });
  });
  if (error !== undefined) c.record.policyError = error;
  if (error !== undefined && verdicts.length > 0) {
    // The judged claims keep their recorded verdicts; the failure is added as a reason, never in their place.
    for (const id of ENFORCED_CLAIMS) {
      const x = c.record.claims.find((k) => k.claim === id);
      if (x) x.reasons = [...x.reasons, `--apply-policy failed: ${error}`];
    }
  }
  if (error !== undefined && verdicts.length === 0) {
    // Whatever their status: T1-T3 are inconclusive until the enforcement phase runs, and the failure must not be lost.
    for (const id of ENFORCED_CLAIMS) {
      const x = c.record.claims.find((k) => k.claim === id);
      if (x) Object.assign(x, { status: "inconclusive", reasons: [...x.reasons, `--apply-policy failed: ${error}`] });
    }
  }
  return verdicts;
}

/** What the audit run is handed for --apply-policy: the file's name, the lifecycle to bind, and the attacks under it when that phase exists. */
export interface AuditPolicyIo {
  source: string;
  bind(b: PolicyBinding): ApplyPolicy;
  /** The enforcement phase (the catalogue under the policy, T1-T3 judged); without it the policy's lifecycle runs alone. */
  attacks?: EnforcedAttacks;
}

/** T1-T3 when the policy ran without the enforcement phase: what its run showed, and why the phase did not run. Pure. */
export function withoutEnforcementPhase(s: PolicySummary | undefined, why = NO_PHASE): string {
  if (!s?.appliedAt) return `--apply-policy applied no policy${s ? ` (${s.policy}: ${s.enforcingError ?? "not created"})` : ""}; ${why}`;
  const shown = [
        `${s.policy} (sha256 ${s.sha256.slice(0, 12)}…), which`,
        s.enforcingProvenAt ? `killed an unauthorized canary reader from ${s.enforcingProvenAt},` : `was not proven to kill (${s.enforcingError ?? "no proof"}),`,
        s.removalProven ? `then was removed at ${s.removedAt ?? "?"} and its unload proven` : "and whose removal was NOT proven (audit/policy.json)",
      ].join(" ");
  return `--apply-policy applied ${shown}; ${why}`;
}

/** Why T1-T3 were not judged when the audit had no enforcement phase to hand the policy. */
export const NO_PHASE = "the enforcement phase did not run (it runs the catalogue --attack prepared, with Tetragon's stream; see F1/F2's reasons), so this claim was not judged";

/**
 * The audit's --apply-policy step; `runnable` are the claims the preflight
 * found runnable. With the enforcement phase, those of T1-T3 are run (their
 * verdicts are the phase's) and turn inconclusive with the reason when it
 * fails; without it they get the policy's finding. A refusal found before
 * (a policy already kills readers of the mount) fails the step before
 * anything is bound or sent. Reasons already there (T2's detection-phase
 * finding, the step's failure) are kept after the policy's line.
 */
export async function auditPolicyStep(p: AuditPolicyIo, c: Parameters<typeof runPolicyStep>[0] & { runnable: readonly string[]; refusal?: string }): Promise<Verdict[]> {
  const refused = c.refusal;
  const bind = refused === undefined ? (b: PolicyBinding) => p.bind(b) : () => async () => Promise.reject(new PermanentError(refused));
  const mine = ENFORCED_CLAIMS.flatMap((id) => (c.runnable.includes(id) ? (c.record.claims.find((k) => k.claim === id) ?? []) : []));
  const before = new Map(mine.map((x) => [x.claim, [...x.reasons]]));
  if (p.attacks && refused === undefined) for (const x of mine) Object.assign(x, { status: "run", reasons: [] });
  const verdicts = await runPolicyStep(c, bind, p.source, p.attacks ?? (async () => []));
  for (const x of mine) {
    if (p.attacks && x.status === "run" && verdicts.some((v) => v.claim === x.claim)) continue;
    const failed = x.reasons.filter((r) => r.startsWith("--apply-policy failed:"));
    const why = p.attacks && refused === undefined ? (failed.length ? "the enforcement phase recorded no verdict" : `the enforcement phase judged no ${x.claim}`) : NO_PHASE;
    // With the phase the claim was to be run: what it said before is superseded; without it, T2's detection finding and the like stay.
    const kept = p.attacks && refused === undefined ? [] : (before.get(x.claim) ?? []).filter((r) => !failed.includes(r));
    Object.assign(x, { status: "inconclusive", reasons: [withoutEnforcementPhase(c.record.policy, why), ...kept, ...failed] });
  }
  return verdicts;
}
