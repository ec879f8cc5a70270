import { describe, expect, it } from "vitest";
import { AfterRemoval } from "../../../harness/audit/after-removal.ts";
import { PolicyRemovalError } from "../../../harness/audit/policy-lifecycle.ts";
import { auditPolicyStep, type ApplyPolicy, type AuditPolicyIo, type EnforcedAttacks } from "../../../harness/audit/policy-step.ts";
import { verdict, type Verdict } from "../../../harness/claims/verdict.ts";

const recorded = [verdict("T1", true, ["succeeded again after the policy was removed"], [], { subject: "restored-after-removal" })];

/** A lifecycle whose removal fails after the attacks: as policy-lifecycle.ts does, no continuation, the finish, then the removal's failure. */
const failingRemoval = (): ApplyPolicy => async (attacks) => {
  const staged = await attacks({} as never);
  if (staged instanceof AfterRemoval) await staged.finish();
  throw new PolicyRemovalError("TracingPolicyNamespaced p/b could NOT be removed: refused");
};

async function run(attacks: EnforcedAttacks) {
  const claims = ["T1", "T2", "T3"].map((claim) => ({ claim, status: "inconclusive" as "run" | "inconclusive", reasons: [] as string[] }));
  const r = { claims, policyError: undefined as string | undefined };
  const io: AuditPolicyIo = { source: "p.yaml", bind: () => failingRemoval(), attacks };
  const step = async (_name: string, fn: () => Promise<void>) => fn().then(() => undefined, (err: Error) => err.message);
  const verdicts = await auditPolicyStep(io, { record: r, runId: "r1", write: async () => undefined, step, runnable: ["T1", "T2", "T3"] });
  return { r, verdicts };
}

describe("the --apply-policy step with a read left for after the removal", () => {
  it("keeps the verdicts the finish recorded when the removal then fails, adding the failure as a reason", async () => {
    let read = false;
    const { r, verdicts } = await run(async () => new AfterRemoval<Verdict[]>(async () => void (read = true), async () => recorded));
    expect(read).toBe(false);
    expect(verdicts).toEqual(recorded);
    expect(r.claims.find((c) => c.claim === "T1")).toEqual({ claim: "T1", status: "run", reasons: ["--apply-policy failed: TracingPolicyNamespaced p/b could NOT be removed: refused"] });
  });
});
