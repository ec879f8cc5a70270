import { describe, expect, it } from "vitest";
import type { PodJson } from "../../../harness/audit/agents.ts";
import { auditExitCode, canaryPodHurt, killingRefusal, orphanOf, type PreApplyObservation, preApplyProblem, readyAgentOn, secondSignalStops } from "../../../harness/audit/policy-guards.ts";
import type { PolicySummary } from "../../../harness/audit/policy-record.ts";

describe("a second interrupt stops at once only when it is a second Ctrl-C", () => {
  const at = (nowMs: number, deleteSentAtMs: number | undefined) => secondSignalStops({ firstAtMs: 1_000, deleteSentAtMs, nowMs, graceMs: 500 });
  it("npm's forwarded copy of one Ctrl-C, a few ms after the first, is not one", () => expect(at(1_004, 1_002)).toBe(false));
  it("before the delete was sent (and its warning printed) no signal stops the removal", () => expect(at(9_000, undefined)).toBe(false));
  it("past waits.poll after the first, with the delete sent, it is one", () => expect(at(1_501, 1_010)).toBe(true));
  it("exactly waits.poll after the first is still the same Ctrl-C", () => expect(at(1_500, 1_010)).toBe(false));
});

describe("secretproof audit's exit code", () => {
  const s = (over: Partial<PolicySummary>): PolicySummary => ({ policy: "TracingPolicyNamespaced p/b", sha256: "s", removalProven: true, deleteOutcome: "deleted", ...over });
  it("3 when the removal or its unload is not proven, whatever the verdicts or an interrupt", () => {
    expect(auditExitCode({ failedVerdict: false, policy: s({ removalProven: false }) })).toBe(3);
    expect(auditExitCode({ failedVerdict: true, policy: s({ deleteOutcome: "failed", removalProven: false, interrupted: "SIGINT" }) })).toBe(3);
    expect(auditExitCode({ failedVerdict: false, policy: s({ deleteOutcome: "not-created", removalProven: false, manualDelete: "kubectl …" }) })).toBe(3);
  });
  it("130, 143 or 129 when interrupted and the policy is proven gone", () => {
    expect(auditExitCode({ failedVerdict: true, policy: s({ interrupted: "SIGINT" }) })).toBe(130);
    expect(auditExitCode({ failedVerdict: false, policy: s({ interrupted: "SIGTERM" }) })).toBe(143);
    expect(auditExitCode({ failedVerdict: false, policy: s({ interrupted: "SIGHUP" }) })).toBe(129);
  });
  it("3 when the step failed though nothing is left (a refusal before the apply), 1 on a failing verdict alone, else 0", () => {
    expect(auditExitCode({ failedVerdict: false, policy: s({ deleteOutcome: "not-created", removalProven: false }), policyError: "refused" })).toBe(3);
    expect(auditExitCode({ failedVerdict: false, policyError: "refused" })).toBe(3);
    expect(auditExitCode({ failedVerdict: false, policy: s({ deleteOutcome: "replaced", removalProven: false }) })).toBe(0);
    expect(auditExitCode({ failedVerdict: true })).toBe(1);
    expect(auditExitCode({ failedVerdict: false, policy: s({}) })).toBe(0);
  });
});

describe("the checks before the create", () => {
  const o = (over: Partial<PreApplyObservation>): PreApplyObservation => ({ what: "payments/block", canaryCommand: "cat /mnt/secrets/user", pod: "api-0", agent: "kube-system/tetragon-x", tetra: { names: [] }, canary: { exitCode: 0, stdoutBytes: 12 }, ...over });
  it("pass when the agent lists other policies only and the canary read the file", () => expect(preApplyProblem(o({ tetra: { names: ["other"] } }))).toBeUndefined());
  it("refuse when the agent already lists the name", () => expect(preApplyProblem(o({ tetra: { names: ["block"] } }))).toMatch(/already lists payments\/block before it was created.*nothing was applied$/));
  it("refuse a read that exited 0 with no bytes (an empty file cannot show a kill from a pass)", () => expect(preApplyProblem(o({ canary: { exitCode: 0, stdoutBytes: 0 } }))).toMatch(/exited 0 with 0 bytes/));
  it("refuse any other failed read, with its exit code and without its bytes' content", () => expect(preApplyProblem(o({ canary: { exitCode: 1, stdoutBytes: 0 } }))).toMatch(/exited 1 \(0 bytes of stdout\)/));
  it("refuse a canary whose exec failed, naming the pod", () => expect(preApplyProblem(o({ canary: { error: "kubectl: connection refused" } }))).toMatch(/in pod api-0 failed: kubectl: connection refused/));
});

describe("what the --apply-policy step refuses or picks", () => {
  it("a policy that already kills readers of the mount refuses the step, naming it", () => {
    expect(killingRefusal([], "/mnt/secrets")).toBeUndefined();
    expect(killingRefusal(["TracingPolicy block-all"], "/mnt/secrets")).toMatch(/^--apply-policy refused, nothing was applied: TracingPolicy block-all already kills readers under \/mnt\/secrets/);
  });

  const agent = (name: string, over: { deleting?: boolean; ready?: boolean; node?: string } = {}) =>
    ({ metadata: { name, ...(over.deleting ? { deletionTimestamp: "2026-12-01T19:00:00Z" } : {}) }, spec: { nodeName: over.node ?? "n1" }, status: { phase: "Running", conditions: [{ type: "Ready", status: over.ready === false ? "False" : "True" }] } }) as PodJson;
  it("the agent is a Ready pod on the node that is not being deleted", () => {
    expect(readyAgentOn([agent("old", { deleting: true }), agent("other", { node: "n2" }), agent("new")], "n1", "tetragon", "sel")).toBe("new");
  });
  it("without one it refuses, naming the pods found", () => {
    expect(() => readyAgentOn([agent("old", { deleting: true }), agent("starting", { ready: false })], "n1", "tetragon", "sel")).toThrow(
      "no Ready Tetragon pod (sel, container tetragon) on node n1, where the canary pod runs: found old (phase Running, being deleted), starting (phase Running); nothing was applied",
    );
  });

  it("an object found after a create without answer is this run's only with this run's label", () => {
    const label = { key: "secretproof.dev/run-id", value: "r1" };
    expect(orphanOf({ uid: "u1", labels: { "secretproof.dev/run-id": "r1" } }, label)).toEqual({ ours: true, uid: "u1" });
    expect(orphanOf({ uid: "u2", labels: { "secretproof.dev/run-id": "r0" } }, label)).toMatchObject({ ours: false, why: expect.stringContaining("carries secretproof.dev/run-id=r0, not this run's r1") as string });
    expect(orphanOf(undefined, label)).toMatchObject({ ours: false });
  });

  it("the canary pod is hurt when its container restarted or is not Ready after the proof", () => {
    const pod = (restartCount: number, ready: boolean): PodJson => ({ metadata: { name: "api-0" }, status: { containerStatuses: [{ name: "api", ready, restartCount }] } });
    expect(canaryPodHurt(pod(0, true), pod(0, true), "api")).toBeUndefined();
    expect(canaryPodHurt(pod(0, true), pod(1, true), "api")).toBe("pod api-0 container api restarted (restartCount 0 -> 1) once the policy enforced");
    expect(canaryPodHurt(pod(0, true), pod(0, false), "api")).toBe("pod api-0 container api is not Ready once the policy enforced");
  });
});
