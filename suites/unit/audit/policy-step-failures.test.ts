import type { Verdict } from "../../../harness/claims/verdict.ts";
import { describe, expect, it } from "vitest";
import type { PolicySummary } from "../../../harness/audit/policy-record.ts";
import { auditPolicyStep, type ApplyPolicy, type AuditPolicyIo, type PolicyBinding } from "../../../harness/audit/policy-step.ts";
import { PermanentError } from "../../../harness/core/errors.ts";
import { withT2Finding } from "../../../harness/audit/attack-audit.ts";

const T2_OPEN = "the identity has the access T2 needs, but this secretproof's audit does not collect T2 evidence yet";

/** T1-T3 as the preflight leaves them before the step: inconclusive (observed, or not collected yet), never "run". */
function record() {
  const claims = [
    { claim: "T1", status: "inconclusive" as "run" | "inconclusive", reasons: ["T1 is proven only with --attack"] },
    { claim: "T2", status: "inconclusive" as "run" | "inconclusive", reasons: [T2_OPEN] },
    { claim: "T3", status: "inconclusive" as "run" | "inconclusive", reasons: ["T3 is proven only with --attack"] },
  ];
  return { claims, policy: undefined as PolicySummary | undefined, policyError: undefined as string | undefined };
}

async function run(bind: (b: PolicyBinding) => ApplyPolicy, refusal?: string) {
  const r = record();
  const io: AuditPolicyIo = { source: "p.yaml", bind };
  const step = async (_name: string, fn: () => Promise<void>) => fn().then(() => undefined, (err: Error) => err.message);
  await auditPolicyStep(io, { record: r, runId: "r1", write: async () => undefined, step, runnable: ["T1", "T2", "T3"], ...(refusal ? { refusal } : {}) });
  return r;
}

const refusedBeforeApply = (): ApplyPolicy => async () => {
  throw new PermanentError("--apply-policy refused: a canary `cat /mnt/secrets/user` in pod api-0 is already killed (137): another policy enforces; nothing was applied");
};

describe("a failed --apply-policy step is never lost", () => {
  it("a refusal before the apply reaches T1-T3 though they were inconclusive, and the record keeps it for the exit code", async () => {
    const r = await run(() => refusedBeforeApply());
    for (const c of r.claims) {
      expect(c.status).toBe("inconclusive");
      expect(c.reasons).toContain("--apply-policy failed: --apply-policy refused: a canary `cat /mnt/secrets/user` in pod api-0 is already killed (137): another policy enforces; nothing was applied");
    }
    expect(r.policyError).toMatch(/already killed \(137\)/);
  });

  it("without a policy record, T1-T3 never say a policy was applied", async () => {
    const r = await run(() => refusedBeforeApply());
    for (const c of r.claims) {
      expect(c.reasons[0]).toMatch(/^--apply-policy applied no policy; /);
      expect(c.reasons.join("\n")).not.toMatch(/--apply-policy applied (?!no policy)/);
    }
  });

  it("a policy that already kills readers of the mount refuses the step before the lifecycle is bound", async () => {
    let bound = false;
    const r = await run(() => ((bound = true), refusedBeforeApply()), "--apply-policy refused, nothing was applied: TracingPolicy block-all already kills readers under /mnt/secrets");
    expect(bound).toBe(false);
    expect(r.policyError).toMatch(/TracingPolicy block-all already kills readers/);
    expect(r.claims[0]?.reasons).toContain("--apply-policy failed: --apply-policy refused, nothing was applied: TracingPolicy block-all already kills readers under /mnt/secrets");
  });

  it("T2's reason left for the detection phase's finding stays after the policy's line (attack.finish replaces it later)", async () => {
    const ok = (b: PolicyBinding): ApplyPolicy => async (attacks) => {
      b.onRecord({ source: "p.yaml", fileSha256: "f", sha256: "s".repeat(64), applied: "audit/policy.yaml", kind: "TracingPolicyNamespaced", namespace: "p", name: "b", generatedName: false, runLabel: { key: "k", value: "r1" }, uid: "u", appliedAt: "t0", removal: { outcome: "deleted", removedAt: "t1", proven: true } });
      return { value: (await attacks({} as never)) as Verdict[], record: {} as never };
    };
    const r = await run(ok);
    const t2 = r.claims.find((c) => c.claim === "T2")!;
    expect(t2.reasons).toHaveLength(2);
    expect(t2.reasons[0]).toMatch(/^--apply-policy applied TracingPolicyNamespaced p\/b/);
    expect(t2.reasons[1]).toBe(T2_OPEN);
    expect(r.policyError).toBeUndefined();
  });
});

describe("T2 after the --apply-policy step and the detection phase", () => {
  it("keeps the policy's line and gets the detection phase's finding in place of \"not collected yet\"", () => {
    expect(withT2Finding(["--apply-policy applied …", T2_OPEN], "the app answered 41/41 probes")).toEqual(["--apply-policy applied …", "the app answered 41/41 probes"]);
    expect(withT2Finding(["missing get pods in test-dynamic"], "x")).toEqual(["missing get pods in test-dynamic"]);
  });
});
