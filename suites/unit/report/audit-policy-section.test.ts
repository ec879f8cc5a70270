import { describe, expect, it } from "vitest";
import { policySummary, type PolicyRecord } from "../../../harness/audit/policy-record.ts";
import { auditSectionHtml, auditSectionMd, auditSectionOf } from "../../../harness/report/audit-section.ts";
import { esc } from "../../../harness/report/render-html.ts";
import { mdCell } from "../../../harness/report/render-markdown.ts";
import type { RunRecord } from "../../../harness/evidence/recorder.ts";

const record: PolicyRecord = {
  source: "policy.yaml", fileSha256: "f".repeat(64), sha256: "a".repeat(64), applied: "audit/policy.yaml", kind: "TracingPolicyNamespaced", namespace: "payments", name: "block-readers",
  generatedName: false, runLabel: { key: "secretproof.dev/run-id", value: "r" }, uid: "u", appliedAt: "2026-12-01T19:00:00.000Z",
  enforcing: { provenAt: "2026-12-01T19:00:04.000Z", canaries: [], status: { name: "block-readers" } },
  removal: { outcome: "deleted", removedAt: "2026-12-01T19:03:00.000Z", proven: true },
};
const run = (policy: unknown) => ({ runId: "r", audit: { access: "attack", identity: { username: "auditor" }, claims: [], policy } }) as unknown as RunRecord;

describe("the report's audit section shows the applied policy", () => {
  it("names the policy, its digest and when it was applied, proven enforcing, removed and proven unloaded", () => {
    const { audit } = auditSectionOf(run(policySummary(record)));
    expect(audit?.policy).toBe(
      `Applied policy TracingPolicyNamespaced payments/block-readers (sha256 ${"a".repeat(64)}, audit/policy.yaml), applied 2026-12-01T19:00:00.000Z, ` +
        "proven enforcing 2026-12-01T19:00:04.000Z, removed 2026-12-01T19:03:00.000Z (deleted); unload proven.",
    );
    expect(auditSectionMd(audit, mdCell).join("\n")).toContain("Applied policy TracingPolicyNamespaced payments/block-readers");
    expect(auditSectionHtml(audit, esc)[0]).toContain('<p id="audit-policy">Applied policy');
  });

  it("says loudly when the removal failed, with the command that removes it", () => {
    const failed = { ...record, removal: { outcome: "failed" as const, proven: false, error: "connection refused", manualDelete: "kubectl --context c -n payments delete tracingpoliciesnamespaced.cilium.io block-readers" } };
    expect(auditSectionOf(run(policySummary(failed))).audit?.policy).toMatch(/; REMOVAL NOT PROVEN; remove it by hand: kubectl --context c -n payments delete tracingpoliciesnamespaced.cilium.io block-readers\.$/);
  });

  it("a policy never created is never \"unload proven\", even from a summary that says removalProven (the outcome is read first)", () => {
    const refused = { ...record, uid: undefined, appliedAt: undefined, enforcing: undefined, createError: "409", removal: { outcome: "not-created" as const, proven: false } };
    expect(auditSectionOf(run(policySummary(refused))).audit?.policy).toMatch(/not applied, NOT proven enforcing: not applied: 409; nothing to remove\.$/);
    // A run.json written before the fix said proven: true for a policy never created.
    const old = { ...policySummary(refused), removalProven: true };
    expect(auditSectionOf(run(old)).audit?.policy).not.toContain("unload proven");
  });

  it("a policy replaced by another object is said gone, with no delete command", () => {
    const replaced = { ...record, removal: { outcome: "replaced" as const, removedAt: "2026-12-01T19:03:00.000Z", proven: false } };
    const line = auditSectionOf(run(policySummary(replaced))).audit?.policy ?? "";
    expect(line).toMatch(/; gone \(replaced by another object\)\.$/);
    expect(line).not.toContain("kubectl");
  });

  it("an audit without --apply-policy shows no policy line", () => {
    expect(auditSectionOf(run(undefined)).audit).not.toHaveProperty("policy");
  });
});
