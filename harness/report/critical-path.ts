import { formatMs } from "../../clusters/duration.ts";
import type { PathLink } from "../perf/critical-path.ts";
import { runCriticalPath } from "../perf/run-graph.ts";
import type { ReportModel } from "./model.ts";

/** One row per link of the run's critical path: what, when (from the run's start), how long, its share of the wall time. */
export interface CriticalPathRow {
  what: string;
  kind: "step" | "wait";
  atMs: number;
  durationMs: number;
  /** Whole percent of the wall time. */
  percent: number;
}

export interface CriticalPathView {
  wallMs: number;
  rows: CriticalPathRow[];
}

/** The critical path of the run the report shows (steps, suites, and the gaps between them where nothing on the path ran). */
export function criticalPathView(m: Pick<ReportModel, "startedAt" | "steps" | "suites">): CriticalPathView {
  const path = runCriticalPath(m);
  const row = (l: PathLink): CriticalPathRow => ({
    what: l.id,
    kind: l.kind === "gap" ? "wait" : "step",
    atMs: l.startMs - path.startMs,
    durationMs: l.durationMs,
    percent: Math.round(l.share * 100),
  });
  return { wallMs: path.wallMs, rows: path.links.map(row) };
}

const HEADER = ["on the critical path", "kind", "from start", "duration", "share of wall time"];
const NOTE = "Each link waited for the one before it; a wait is time in which nothing on the path ran (the harness between steps, vitest starting a file).";
const cells = (r: CriticalPathRow) => [r.what, r.kind, formatMs(r.atMs), formatMs(r.durationMs), `${r.percent}%`];

/** The markdown section body; `cell` escapes a table cell. */
export function criticalPathMd(m: Pick<ReportModel, "startedAt" | "steps" | "suites">, cell: (text: string) => string): string {
  const v = criticalPathView(m);
  if (v.rows.length === 0) return "No step or suite timing recorded.";
  const lines = [`| ${HEADER.join(" | ")} |`, `|${HEADER.map(() => "---").join("|")}|`, ...v.rows.map((r) => `| ${cells(r).map(cell).join(" | ")} |`)];
  return [`Wall time ${formatMs(v.wallMs)}, decided by this chain. ${NOTE}`, lines.join("\n")].join("\n\n");
}

/** The HTML section body; `esc` escapes text. */
export function criticalPathHtml(m: Pick<ReportModel, "startedAt" | "steps" | "suites">, esc: (text: string) => string): string {
  const v = criticalPathView(m);
  if (v.rows.length === 0) return "<p>No step or suite timing recorded.</p>";
  const head = HEADER.map((h) => `<th scope="col">${esc(h)}</th>`).join("");
  const rows = v.rows.map((r) => `<tr>${cells(r).map((c, i) => `<td${i >= 2 ? ' class="num"' : ""}>${esc(c)}</td>`).join("")}</tr>`);
  return `<p>Wall time ${esc(formatMs(v.wallMs))}, decided by this chain. ${esc(NOTE)}</p><table id="critical-path"><thead><tr>${head}</tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>`;
}
