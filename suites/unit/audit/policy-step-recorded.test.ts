import { describe, expect, it } from "vitest";
import { RecordedEnforcementError } from "../../../harness/audit/enforcement-error.ts";
import { auditPolicyStep, type ApplyPolicy, type AuditPolicyIo, type EnforcedAttacks } from "../../../harness/audit/policy-step.ts";
import { verdict, type Verdict } from "../../../harness/claims/verdict.ts";

function record() {
  const claims = ["T1", "T2", "T3"].map((claim) => ({ claim, status: "inconclusive" as "run" | "inconclusive", reasons: [`${claim} is proven only with --attack`] }));
  return { claims, policyError: undefined as string | undefined };
}

/** The lifecycle runs the attacks and passes their failure on, as policy-lifecycle.ts does after the removal. */
const lifecycle = (): ApplyPolicy => async (attacks) => ({ value: (await attacks({} as never)) as Verdict[], record: {} as never });

async function run(attacks: EnforcedAttacks) {
  const r = record();
  const io: AuditPolicyIo = { source: "p.yaml", bind: () => lifecycle(), attacks };
  const step = async (_name: string, fn: () => Promise<void>) => fn().then(() => undefined, (err: Error) => err.message);
  const verdicts = await auditPolicyStep(io, { record: r, runId: "r1", write: async () => undefined, step, runnable: ["T1", "T2", "T3"] });
  return { r, verdicts };
}

const recorded = [verdict("T1", true, ["killed"], [], { subject: "cat" }), verdict("T2", false, ["restartCount 0 -> 1"], [], { subject: "app-unharmed" })];

describe("a failure of the enforcement phase after its verdicts were recorded", () => {
  it("keeps the recorded verdicts in run.json's claims and adds the failure as a reason, without overriding a decided verdict", async () => {
    const failure = "the enforcement session did not close cleanly; its evidence and verdicts were recorded";
    const { r, verdicts } = await run(async () => {
      throw new RecordedEnforcementError(failure, recorded, new Error("port-forward exited 1"));
    });
    expect(verdicts).toEqual(recorded);
    expect(r.policyError).toBe(failure);
    for (const id of ["T1", "T2"]) expect(r.claims.find((c) => c.claim === id)).toEqual({ claim: id, status: "run", reasons: [`--apply-policy failed: ${failure}`] });
    // T3 got no verdict: inconclusive, the failure kept.
    const t3 = r.claims.find((c) => c.claim === "T3");
    expect(t3?.status).toBe("inconclusive");
    expect(t3?.reasons).toContain(`--apply-policy failed: ${failure}`);
  });

  it("a failure with no recorded verdicts still turns T1-T3 inconclusive with it", async () => {
    const { r, verdicts } = await run(async () => {
      throw new Error("the Tetragon stream was not opened");
    });
    expect(verdicts).toEqual([]);
    for (const c of r.claims) {
      expect(c.status).toBe("inconclusive");
      expect(c.reasons).toContain("--apply-policy failed: the Tetragon stream was not opened");
    }
  });
});
