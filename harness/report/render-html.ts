import { formatMs } from "../../clusters/duration.ts";
import type { StepTiming } from "../evidence/recorder.ts";
import { MATRIX_COLUMNS } from "./format.ts";
import type { ClaimRow, ReportModel, ShownVerdict } from "./model.ts";
import { REPORT_CSS } from "./report-css.ts";
import { memoryView } from "./render-memory.ts";
import { auditSectionHtml } from "./audit-section.ts";

/** Escapes text for HTML element content and quoted attribute values. */
export function esc(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

const cls = (v: ShownVerdict) => `v-${v.replace(" ", "-")}`;
/** Words, not emoji: the report must read the same with whatever fonts the viewer has. */
const verdictLabel = (v: ShownVerdict) => v.toUpperCase();
const verdictCell = (v: ShownVerdict) => `<td class="${cls(v)}">${esc(verdictLabel(v))}</td>`;
const list = (items: string[], code = false) =>
  items.length ? `<ul>${items.map((i) => `<li>${code ? `<code>${esc(i)}</code>` : esc(i)}</li>`).join("")}</ul>` : "—";

function table(id: string, header: string[], rows: string[]): string {
  const head = header.map((h) => `<th scope="col">${esc(h)}</th>`).join("");
  return `<table id="${id}"><thead><tr>${head}</tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>`;
}

function claimRow(r: ClaimRow): string {
  const nc = r.negativeControl;
  const ncCell = nc
    ? `<td><strong class="${cls(nc.verdict)}">${esc(verdictLabel(nc.verdict))}</strong>${list(nc.reasons)}</td>`
    : "<td>—</td>";
  const subject = r.subject ? `<br><span class="subject">${esc(r.subject)}</span>` : "";
  return (
    `<tr data-claim="${esc(r.claim)}"><th scope="row">${esc(r.claim)}${subject}</th><td>${esc(r.title)}</td>` +
    `${verdictCell(r.verdict)}<td>${list(r.reasons)}</td><td>${list(r.evidence, true)}</td>${ncCell}</tr>`
  );
}

function matrixHtml(m: ReportModel): string {
  if (m.matrixError) return `<p class="v-fail">The attack matrix could not be read: ${esc(m.matrixError)}</p>`;
  if (m.matrix.length === 0) return "<p>No attack was recorded in this run.</p>";
  const rows = m.matrix.map((r) => `<tr>${MATRIX_COLUMNS.map(([, cell]) => `<td>${esc(cell(r))}</td>`).join("")}</tr>`);
  return table("attack-matrix", MATRIX_COLUMNS.map(([h]) => h), rows);
}

function timingsHtml(id: string, items: StepTiming[], what: string): string {
  if (items.length === 0) return `<p>No ${esc(what)} recorded.</p>`;
  const rows = items.map(
    (t) =>
      `<tr><td>${esc(t.name)}</td><td class="num">${esc(formatMs(t.durationMs))}</td>` +
      `<td class="${t.ok ? "v-pass" : "v-fail"}">${t.ok ? "ok" : esc(t.error ? `failed: ${t.error}` : "failed")}</td></tr>`,
  );
  return table(id, [what, "duration", "result"], rows);
}

function pairsHtml(id: string, pairs: [string, string][], what: string): string {
  if (pairs.length === 0) return `<p>No ${esc(what)} recorded.</p>`;
  return table(id, [what, "value"], pairs.map(([k, v]) => `<tr><td>${esc(k)}</td><td><code>${esc(v)}</code></td></tr>`));
}

function headline(m: ReportModel): string {
  const failing = m.overall.filter((o) => o.verdict !== "pass");
  const verdict = failing.length ? `Not proven: ${failing.map((o) => o.claim).join(", ")}` : "Every claim passed";
  const chips = m.overall
    .map((o) => `<span class="chip ${cls(o.verdict)}" title="${esc(o.title)}">${esc(o.claim)}</span>`)
    .join("");
  const dur = m.durationMs === undefined ? "unfinished" : formatMs(m.durationMs);
  return (
    `<header><h1>secretproof evidence report</h1><p class="run">run <code>${esc(m.runId)}</code></p>` +
    `<p class="verdict ${failing.length ? "v-fail" : "v-pass"}">${esc(verdict)}</p><p class="chips">${chips}</p>` +
    `<p class="meta">run status ${esc(m.status)} · profile ${esc(m.profileName)} · started ${esc(m.startedAt)} · ` +
    `duration ${esc(dur)} · ${esc(`${m.tool.name} ${m.tool.version}`)} on Node ${esc(m.tool.node)}</p>` +
    `<p class="meta">${[...m.custom.map((c) => `<strong>${esc(c)}</strong>`), esc(m.expectations)].join(" · ")}</p></header>`
  );
}

function memoryHtml(m: ReportModel): string {
  const v = memoryView(m.memory, [...m.steps, ...m.suites]);
  const rows = v.rows.map((r) => `<tr>${r.map((c, i) => `<td${i > 0 ? ' class="num"' : ""}>${esc(c)}</td>`).join("")}</tr>`);
  return `<p>${esc(v.summary)}</p>${rows.length ? table("memory", v.header, rows) : ""}`;
}

/** The self-contained report.html: inline CSS, no script, no external resource. */
export function renderHtml(m: ReportModel): string {
  const claimHeader = ["claim", "title", "verdict", "decided by", "evidence", "negative control"];
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>secretproof report ${esc(m.runId)}</title><style>${REPORT_CSS}</style></head><body>`,
    headline(m),
    `<section><h2>Claims</h2>${table("claims", claimHeader, m.claims.map(claimRow))}</section>`,
    ...auditSectionHtml(m.audit, esc),
    `<section><h2>Attack matrix</h2>${matrixHtml(m)}</section>`,
    `<section><h2>Timings</h2><h3>Steps</h3>${timingsHtml("steps", m.steps, "step")}`,
    `<h3>Suites</h3>${timingsHtml("suites", m.suites, "suite")}</section>`,
    `<section><h2>Memory and time</h2>${memoryHtml(m)}</section>`,
    `<section><h2>Versions</h2>${pairsHtml("versions", m.versions, "component")}</section>`,
    `<section><h2>Profile</h2>${pairsHtml("profile", m.profile, "setting")}</section>`,
    `<section><h2>Environment</h2>${pairsHtml("environment", m.environment, "property")}</section>`,
    "</body></html>",
    "",
  ].join("\n");
}
