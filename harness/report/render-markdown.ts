import { formatMs } from "../../clusters/duration.ts";
import type { StepTiming } from "../evidence/recorder.ts";
import { MATRIX_COLUMNS, verdictLabel } from "./format.ts";
import type { ClaimRow, ReportModel } from "./model.ts";
import { memoryView } from "./render-memory.ts";
import { auditSectionMd } from "./audit-section.ts";

/**
 * Escapes text for a GitHub-flavoured markdown table cell: no formatting,
 * no HTML (a `<redacted …>` marker would otherwise vanish as a tag), no
 * cell breaks.
 */
export function mdCell(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replace(/([\\`*_[\]|#~])/g, "\\$1")
    .replace(/\r?\n/g, "<br>");
}

function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const r of rows) lines.push(`| ${r.join(" | ")} |`);
  return lines.join("\n");
}

function claimCells(r: ClaimRow): string[] {
  const nc = r.negativeControl;
  return [
    mdCell(r.subject ? `${r.claim} (${r.subject})` : r.claim),
    mdCell(r.title),
    verdictLabel(r.verdict),
    mdCell(r.reasons.join("\n")),
    mdCell(r.evidence.join("\n")) || "—",
    nc ? `${verdictLabel(nc.verdict)}: ${mdCell(nc.reasons.join("; "))}` : "—",
  ];
}

export function claimTableMd(m: ReportModel): string {
  return table(["claim", "title", "verdict", "decided by", "evidence", "negative control"], m.claims.map(claimCells));
}

export function matrixMd(m: ReportModel): string {
  if (m.matrixError) return `The attack matrix could not be read: ${mdCell(m.matrixError)}`;
  if (m.matrix.length === 0) return "No attack was recorded in this run.";
  return table(
    MATRIX_COLUMNS.map(([h]) => h),
    m.matrix.map((r) => MATRIX_COLUMNS.map(([, cell]) => mdCell(cell(r)))),
  );
}

function timingsMd(list: StepTiming[], what: string): string {
  if (list.length === 0) return `No ${what} recorded.`;
  const rows = list.map((t) => [mdCell(t.name), formatMs(t.durationMs), t.ok ? "ok" : t.error ? `failed: ${mdCell(t.error)}` : "failed"]);
  return table([what, "duration", "result"], rows);
}

function pairsMd(pairs: [string, string][], what: string): string {
  return pairs.length ? table([what, "value"], pairs.map(([k, v]) => [mdCell(k), mdCell(v)])) : `No ${what} recorded.`;
}

export function headlineMd(m: ReportModel): string {
  const dur = m.durationMs === undefined ? "unfinished" : formatMs(m.durationMs);
  const failing = m.overall.filter((o) => o.verdict !== "pass").map((o) => o.claim);
  const verdict = failing.length ? `❌ not proven: ${failing.join(", ")}` : "✅ every claim passed";
  return [
    `# secretproof evidence report: run ${mdCell(m.runId)}`,
    "",
    `**${verdict}** · run status ${m.status} · profile ${mdCell(m.profileName)} · started ${m.startedAt} · ` +
      `duration ${dur} · ${mdCell(m.tool.name)} ${mdCell(m.tool.version)} on Node ${mdCell(m.tool.node)}`,
    "",
    [...m.custom.map((c) => `**${mdCell(c)}**`), mdCell(m.expectations)].join(" · "),
  ].join("\n");
}

function memoryMd(m: ReportModel): string {
  const v = memoryView(m.memory, [...m.steps, ...m.suites]);
  return v.rows.length ? `${mdCell(v.summary)}\n\n${table(v.header, v.rows.map((r) => r.map(mdCell)))}` : mdCell(v.summary);
}

/** The full report.md. */
export function renderMarkdown(m: ReportModel): string {
  return [
    headlineMd(m),
    "## Claims",
    claimTableMd(m),
    ...auditSectionMd(m.audit, mdCell),
    "## Attack matrix",
    matrixMd(m),
    "## Timings",
    "### Steps",
    timingsMd(m.steps, "step"),
    "### Suites",
    timingsMd(m.suites, "suite"),
    "## Memory and time",
    memoryMd(m),
    "## Versions",
    pairsMd(m.versions, "component"),
    "## Profile",
    pairsMd(m.profile, "setting"),
    "## Environment",
    pairsMd(m.environment, "property"),
    "",
  ].join("\n\n");
}

/** The GitHub job summary: headline, claim table and matrix. */
export function renderSummary(m: ReportModel): string {
  return [headlineMd(m), "## Claims", claimTableMd(m), ...auditSectionMd(m.audit, mdCell), "## Attack matrix", matrixMd(m), ""].join("\n\n");
}
