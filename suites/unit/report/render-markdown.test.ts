import { describe, expect, it } from "vitest";
import type { RunRecord } from "../../../harness/evidence/recorder.ts";
import { redactionMarker } from "../../../harness/evidence/redact.ts";
import { bundleView } from "../../../harness/report/bundle.ts";
import { buildReportModel } from "../../../harness/report/model.ts";
import { mdCell, renderMarkdown, renderSummary } from "../../../harness/report/render-markdown.ts";

const marker = redactionMarker("gXH2tx-vLIQ5AcFL7gPD");
const run: RunRecord = {
  schemaVersion: 1,
  runId: "20260101T000000Z-abcdef",
  status: "passed",
  startedAt: "2026-01-01T00:00:00.000Z",
  finishedAt: "2026-01-01T00:07:30.000Z",
  tool: { name: "secretproof", version: "0.1.0", node: "v22.11.0" },
  profile: { name: "ci", vault: { defaultTtl: "45s" } },
  environment: { kernel: "6.11.0-1018-azure" },
  versions: { helm: { cli: "v3.21.3" } },
  steps: [{ name: "kind create cluster", startedAt: "2026-01-01T00:00:00.000Z", durationMs: 61_000, ok: true }],
  suites: [],
  verdicts: [
    { claim: "A2", verdict: "pass", reasons: [`no Secret holds ${marker}`, "a | b"], evidence: ["A2/secrets.json"], negativeControl: { verdict: "pass", reasons: ["canary found"] } },
  ],
  redacted: ["db password"],
};
const matrix = { "matrix/enforcement/cat.json": Buffer.from(JSON.stringify({ attack: "cat", method: "cat", tetragonKilled: true, exitCode: 137, timeToKillMs: 8 })) };
const model = buildReportModel(run, bundleView(new Map(Object.entries(matrix))));

describe("report.md and the job summary", () => {
  it("keep a redaction marker visible (not swallowed as an HTML tag) and table cells intact", () => {
    expect(mdCell(`${marker} | *x* _y_\nnext`)).toBe(`&lt;redacted sha256:${marker.slice(17, 33)} len:20&gt; \\| \\*x\\* \\_y\\_<br>next`);
    const md = renderMarkdown(model);
    const a2 = md.split("\n").find((l) => l.startsWith("| A2 |")) ?? "";
    expect(a2.split(/(?<!\\)\|/)).toHaveLength(6);
    expect(a2).toContain("&lt;redacted sha256:");
    expect(md).toContain("- a \\| b");
  });

  it("state what is not proven: a claim without a verdict is not a pass", () => {
    const md = renderMarkdown(model);
    expect(md).toContain("**❌ not proven: A1, D1, D2, D3, D4, F1, F2, T1, T2, T3, N1, L1**");
    expect(md).toMatch(/\| D1 \| .* \| ⏸️ not run \| no verdict recorded \|/);
    expect(md).toContain("| A2 | No Kubernetes Secret holds the app's credentials | ✅ pass |");
  });

  it("carry the matrix, timings, versions and kernel", () => {
    const md = renderMarkdown(model);
    expect(md).toContain("| cat | `cat` | — | yes | 137 | — | 8ms |");
    expect(md).toContain("| kind create cluster | 1m01s | ok |");
    expect(md).toContain("| helm.cli | v3.21.3 |");
    expect(md).toContain("| kernel | 6.11.0-1018-azure |");
    expect(md).toContain("duration 7m30s");
  });

  it("keep every table row as wide as its header: escaped pipes never split a cell", () => {
    const piped = { ...run, verdicts: [{ ...run.verdicts[0], reasons: ["x | y", "a|b|c"] }] } as RunRecord;
    const rows = { "matrix/enforcement/sh.json": Buffer.from(JSON.stringify({ attack: "sh", method: "sh -c 'a | b'", tetragonKilled: false, exitCode: 0, timeToKillMs: null })) };
    const md = renderMarkdown(buildReportModel(piped, bundleView(new Map(Object.entries(rows)))));
    const cells = (line: string) => line.split(/(?<!\\)\|/).length;
    let width = 0;
    for (const line of md.split("\n")) {
      if (!line.startsWith("|")) width = 0;
      else if (width === 0) width = cells(line);
      else expect(cells(line), line).toBe(width);
    }
    expect(md).toContain("| sh | `sh -c 'a \\| b'` |");
  });

  it("summarise for GitHub with the claim table and matrix only", () => {
    const s = renderSummary(model);
    expect(s).toContain("## Claims");
    expect(s).toContain("## Attack matrix");
    expect(s).not.toContain("## Versions");
  });
});
