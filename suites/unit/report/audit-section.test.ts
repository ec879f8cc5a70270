import { describe, expect, it } from "vitest";
import { auditSectionHtml, auditSectionMd, auditSectionOf } from "../../../harness/report/audit-section.ts";
import { esc } from "../../../harness/report/render-html.ts";
import { mdCell } from "../../../harness/report/render-markdown.ts";
import type { RunRecord } from "../../../harness/evidence/recorder.ts";

const run = (audit?: unknown) => ({ runId: "r", ...(audit === undefined ? {} : { audit }) }) as unknown as RunRecord;

describe("the report's audit section", () => {
  it("is absent for a run that is not an audit", () => {
    expect(auditSectionOf(run())).toEqual({});
    expect(auditSectionMd(undefined, mdCell)).toEqual([]);
    expect(auditSectionHtml(undefined, esc)).toEqual([]);
  });

  it("lists each claim's audit status with its reasons, inconclusive ones marked, escaped", () => {
    const { audit } = auditSectionOf(run({
      access: "read-only",
      identity: { username: "auditor@example.com" },
      claims: [
        { claim: "A2", status: "run", reasons: [], limits: ["A2 can fail but not pass"] },
        { claim: "T1", status: "inconclusive", reasons: ["found: Tetragon runs Ready on node <w1>; the kill is proven only with --attack"], limits: [] },
      ],
    }));
    const md = auditSectionMd(audit, mdCell).join("\n\n");
    expect(md).toContain("Audit (read-only) as auditor@example.com. Inconclusive, with what was found and what is missing: T1.");
    expect(md).toContain("| T1 | **INCONCLUSIVE** | found: Tetragon runs Ready on node &lt;w1&gt;; the kill is proven only with --attack | — |");
    expect(auditSectionHtml(audit, esc)[0]).toContain('<td class="v-inconclusive">INCONCLUSIVE</td><td><ul><li>found: Tetragon runs Ready on node &lt;w1&gt;');
  });

  it("a malformed audit record is shown as what it is, not dropped", () => {
    expect(auditSectionOf(run({ claims: [{ reasons: "x" }] })).audit).toEqual({ access: "?", identity: "not reported", claims: [{ claim: "?", status: "?", reasons: [], limits: [] }] });
  });
});
