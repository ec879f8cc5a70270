import { GRID_COLUMNS, type GridCell, type GridRow } from "../attack-grid.ts";
import { esc } from "../html-text.ts";
import type { ReportModel } from "../model.ts";
import { htmlTable, mdCell, mdCode, mdTable, type ReportSection } from "./section.ts";

const hasMitre = (m: ReportModel) => m.grid.some((r) => r.mitre.length > 0);
const header = (m: ReportModel) => ["attack", "command", ...(hasMitre(m) ? ["ATT&CK"] : []), ...GRID_COLUMNS];

function cellHtml(c: GridCell): string {
  const declared = c.declared ? `<span class="declared">declared: ${esc(c.declared)}</span>` : "";
  const note = c.note ? `<span class="note">${esc(c.note)}</span>` : "";
  return `<td class="c-${c.state}">${esc(c.text)}${declared}${note}</td>`;
}

function rowHtml(r: GridRow, mitre: boolean): string {
  const ids = mitre ? `<td>${r.mitre.map((id) => `<code>${esc(id)}</code>`).join(" ")}</td>` : "";
  const unexpected = r.cells.some((c) => c.state === "unexpected");
  return (
    `<tr data-attack="${esc(r.attack)}"${unexpected ? ' class="unexpected"' : ""}><th scope="row">${esc(r.attack)}</th>` +
    `<td><code class="cmd">${esc(r.command)}</code></td>${ids}${r.cells.map(cellHtml).join("")}</tr>`
  );
}

const LEGEND =
  '<p class="legend"><span class="c-expected">as the catalogue declares</span> <span class="c-unexpected">not as declared</span> ' +
  '<span class="c-unobserved">not observed in this run</span> <span class="c-undeclared">no catalogue entry to compare with</span></p>';

function matrixHtml(m: ReportModel): string {
  if (m.matrixError) return `<p class="v-fail">The attack matrix could not be read: ${esc(m.matrixError)}</p>`;
  if (m.grid.length === 0) return "<p>No attack was recorded in this run.</p>";
  const note = m.gridNote ? `<p class="v-inconclusive">${esc(m.gridNote)}</p>` : "";
  const mitre = hasMitre(m);
  return `${note}${LEGEND}${htmlTable("attack-matrix", header(m), m.grid.map((r) => rowHtml(r, mitre)))}`;
}

function cellMd(c: GridCell): string {
  const text = mdCell(c.text);
  if (c.state !== "unexpected") return text;
  return `**${text}** ⚠️ declared: ${mdCell(c.declared ?? "?")}`;
}

/** The matrix of report.md: catalogue order, commands as typed, a cell not as declared in bold with what was declared. */
export function matrixMd(m: ReportModel): string {
  if (m.matrixError) return `The attack matrix could not be read: ${mdCell(m.matrixError)}`;
  if (m.grid.length === 0) return "No attack was recorded in this run.";
  const mitre = hasMitre(m);
  const rows = m.grid.map((r) => [mdCell(r.attack), mdCode(r.command), ...(mitre ? [r.mitre.map(mdCell).join(", ") || "—"] : []), ...r.cells.map(cellMd)]);
  return [...(m.gridNote ? [mdCell(m.gridNote), ""] : []), mdTable(header(m).map(mdCell), rows)].join("\n");
}

export const matrixSection: ReportSection = { id: "attack-matrix-section", title: "Attack matrix", html: matrixHtml, md: matrixMd, summaryMd: matrixMd };
