import { esc } from "../html-text.ts";
import type { ReportModel } from "../model.ts";
import { htmlTable, mdCell, mdTable, type ReportSection } from "./section.ts";

/*
 * What neither control catches by design (fixtures/attacks/blind-spots.yaml),
 * next to the passes.
 */

const INTRO = "What the controls do not catch by design; the catalogue entries named run at each edge and are judged like the others.";
const HEADER = ["blind spot", "controls", "why", "upstream evidence", "measured by"];

const cells = (m: ReportModel): string[][] =>
  (m.blindSpots ?? []).map((b) => [b.title, b.controls.join(", "), b.reason, b.source, b.measuredBy?.join(", ") ?? "—"]);

export const blindSpotsSection: ReportSection = {
  id: "blind-spots",
  title: "Declared blind spots",
  html(m) {
    const rows = cells(m).map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`);
    return rows.length ? `<p>${esc(INTRO)}</p>${htmlTable("blind-spots", HEADER, rows)}` : "<p>No blind spots declared.</p>";
  },
  md(m) {
    const rows = cells(m);
    return rows.length ? `${INTRO}\n\n${mdTable(HEADER, rows.map((r) => r.map(mdCell)))}` : "No blind spots declared.";
  },
};
