import { describe, expect, it } from "vitest";
import { criticalPathHtml, criticalPathMd, criticalPathView } from "../../../harness/report/critical-path.ts";
import { esc } from "../../../harness/report/render-html.ts";
import { mdCell } from "../../../harness/report/render-markdown.ts";

const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 12, 0, s)).toISOString();
const run = {
  startedAt: at(0),
  steps: [
    { name: "preflight", startedAt: at(0), durationMs: 2_000, ok: true, deps: [] },
    { name: "kind-cluster", startedAt: at(2), durationMs: 58_000, ok: true, deps: ["preflight"] },
    { name: "app-image", startedAt: at(2), durationMs: 30_000, ok: true, deps: ["preflight"] },
  ],
  suites: [{ name: "suites/e2e/a1_encryption.test.ts", startedAt: at(80), durationMs: 20_000, ok: true, deps: ["kind-cluster"] }],
};

describe("the report's critical path", () => {
  it("lists the chain that decided the wall time, each link's start, duration and share, the waits between steps named as such", () => {
    const v = criticalPathView(run);
    expect(v.wallMs).toBe(100_000);
    expect(v.rows.map((r) => [r.what, r.kind, r.atMs, r.percent])).toEqual([
      ["preflight", "step", 0, 2],
      ["kind-cluster", "step", 2_000, 58],
      ["before suites/e2e/a1_encryption.test.ts", "wait", 60_000, 20],
      ["suites/e2e/a1_encryption.test.ts", "step", 80_000, 20],
    ]);
  });

  it("renders it in markdown (cells escaped) and in HTML (text escaped)", () => {
    const md = criticalPathMd(run, mdCell);
    expect(md).toContain("Wall time 1m40s, decided by this chain.");
    expect(md).toContain("| suites/e2e/a1\\_encryption.test.ts | step | 1m20s | 20.0s | 20% |");
    const html = criticalPathHtml({ ...run, suites: [{ ...run.suites[0]!, name: "<x>" }] }, esc);
    expect(html).toContain("<td>&lt;x&gt;</td>");
    expect(html).not.toContain("<x>");
  });

  it("says so when the run recorded no timing", () => {
    expect(criticalPathMd({ startedAt: at(0), steps: [], suites: [] }, mdCell)).toBe("No step or suite timing recorded.");
  });
});
