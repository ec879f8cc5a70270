import { describe, expect, it } from "vitest";
import type { Verdict } from "../../../harness/claims/verdict.ts";
import { PolicyRemovalError } from "../../../harness/audit/policy-lifecycle.ts";
import type { PolicyRecord, PolicySummary } from "../../../harness/audit/policy-record.ts";
import { auditPolicyStep, runPolicyStep, type ApplyPolicy, type EnforcedAttackContext, type PolicyBinding } from "../../../harness/audit/policy-step.ts";

const record = (): PolicyRecord => ({
  source: "p.yaml", fileSha256: "f", sha256: "s", applied: "audit/policy.yaml", kind: "TracingPolicyNamespaced", namespace: "payments", name: "block", generatedName: false,
  runLabel: { key: "secretproof.dev/run-id", value: "r1" }, uid: "u", appliedAt: "2026-12-01T19:00:00.000Z",
});
const T1: Verdict = { claim: "T1", subject: "cat", verdict: "pass", reasons: [], evidence: [] } as unknown as Verdict;
const ctx = { pod: { namespace: "payments", name: "api-0", container: "api" }, node: "n1" } as EnforcedAttackContext;

/** A bound lifecycle that reports one record state, runs the attacks, then ends as `end` says. */
function fakeBind(end: "ok" | "enforcing" | "removal", seen: PolicyBinding[]) {
  return (b: PolicyBinding): ApplyPolicy => async (attacks) => {
    seen.push(b);
    b.onRecord(record());
    if (end === "enforcing") throw new Error("TracingPolicyNamespaced payments/block was not proven enforcing, so no attack was run: timed out");
    const value = (await attacks(ctx)) as Verdict[];
    if (end === "removal") throw new PolicyRemovalError("TracingPolicyNamespaced payments/block could NOT be removed: refused; remove it by hand: kubectl …");
    return { value, record: record() };
  };
}

async function step(end: "ok" | "enforcing" | "removal") {
  const claims = ["T1", "T2", "T3", "F1"].map((claim) => ({ claim, status: "run" as "run" | "inconclusive", reasons: [] as string[] }));
  const c = { record: { claims } as { claims: typeof claims; policy?: PolicySummary }, runId: "r1", write: async () => undefined, steps: [] as string[] };
  const seen: PolicyBinding[] = [];
  const verdicts = await runPolicyStep(
    { ...c, step: async (name, fn) => (c.steps.push(name), fn().then(() => undefined, (err: Error) => err.message)) },
    fakeBind(end, seen),
    "p.yaml",
    async (x) => (x.pod.name === "api-0" ? [T1] : []),
  );
  return { verdicts, c, seen };
}

describe("the audit's --apply-policy step", () => {
  it("binds the lifecycle to the run, copies each record state into run.json's audit.policy, and returns the attacks' verdicts", async () => {
    const { verdicts, c, seen } = await step("ok");
    expect(verdicts).toEqual([T1]);
    expect(seen.map((b) => b.runId)).toEqual(["r1"]);
    expect(c.record.policy).toMatchObject({ policy: "TracingPolicyNamespaced payments/block", sha256: "s", appliedAt: "2026-12-01T19:00:00.000Z", removalProven: false });
    expect(c.steps).toEqual(["--apply-policy: apply p.yaml, prove it enforces, run the attacks under it, remove it and prove the unload"]);
    expect(c.record.claims.every((x) => x.status === "run")).toBe(true);
  });

  it("a policy never proven enforcing makes T1, T2 and T3 inconclusive with the reason, and leaves F1 alone", async () => {
    const { verdicts, c } = await step("enforcing");
    expect(verdicts).toEqual([]);
    const t = Object.fromEntries(c.record.claims.map((x) => [x.claim, x]));
    for (const id of ["T1", "T2", "T3"]) expect(t[id]).toEqual({ claim: id, status: "inconclusive", reasons: ["--apply-policy failed: TracingPolicyNamespaced payments/block was not proven enforcing, so no attack was run: timed out"] });
    expect(t.F1?.status).toBe("run");
  });

  it("a removal that fails after the attacks keeps their verdicts (the step's failure fails the run)", async () => {
    const { verdicts, c } = await step("removal");
    expect(verdicts).toEqual([T1]);
    expect(c.record.claims.find((x) => x.claim === "T1")?.status).toBe("run");
  });
});

describe("the --apply-policy step with the enforcement phase", () => {
  const claims = () => ["T1", "T2", "T3"].map((claim) => ({ claim, status: "inconclusive" as "run" | "inconclusive", reasons: [`${claim} is observed, not proven, in a read-only audit`] }));
  const T2: Verdict = { ...T1, claim: "T2", subject: "app-unharmed" } as Verdict;
  async function audit(end: "ok" | "enforcing", runnable: string[]) {
    const c = { record: { claims: claims() } as { claims: ReturnType<typeof claims>; policy?: PolicySummary }, runId: "r1", write: async () => undefined };
    const verdicts = await auditPolicyStep(
      { source: "p.yaml", bind: fakeBind(end, []), attacks: async () => [T1, T2] },
      { ...c, runnable, step: async (_name, fn) => fn().then(() => undefined, (err: Error) => err.message) },
    );
    return { verdicts, t: Object.fromEntries(c.record.claims.map((x) => [x.claim, x])) };
  }

  it("runs the runnable T1-T3 on the phase's verdicts; one it judged nothing of is inconclusive, saying so", async () => {
    const { verdicts, t } = await audit("ok", ["T1", "T2", "T3"]);
    expect(verdicts).toEqual([T1, T2]);
    expect([t.T1?.status, t.T2?.status]).toEqual(["run", "run"]);
    expect(t.T3).toMatchObject({ status: "inconclusive" });
    expect(t.T3?.reasons[0]).toMatch(/; the enforcement phase judged no T3$/);
  });

  it("a policy never proven enforcing leaves them inconclusive with the failure, and a claim the identity cannot run keeps its reason with the failure added", async () => {
    const { verdicts, t } = await audit("enforcing", ["T1", "T3"]);
    expect(verdicts).toEqual([]);
    expect(t.T1?.reasons).toEqual([
      expect.stringMatching(/; the enforcement phase recorded no verdict$/),
      "--apply-policy failed: TracingPolicyNamespaced payments/block was not proven enforcing, so no attack was run: timed out",
    ]);
    expect(t.T2).toEqual({
      claim: "T2",
      status: "inconclusive",
      reasons: ["T2 is observed, not proven, in a read-only audit", "--apply-policy failed: TracingPolicyNamespaced payments/block was not proven enforcing, so no attack was run: timed out"],
    });
  });
});
