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

  it("an audit without --apply-policy shows no policy line", () => {
    expect(auditSectionOf(run(undefined)).audit).not.toHaveProperty("policy");
  });
});
