import { esc } from "../html-text.ts";
import { memoryView } from "../render-memory.ts";
import { htmlTable, mdCell, mdTable, type ReportSection } from "./section.ts";

/** What a run cost: wall time and the kind node's peak memory per step and suite. */
export const memorySection: ReportSection = {
  id: "memory",
  title: "Memory and time",
  html(m) {
    const v = memoryView(m.memory, [...m.steps, ...m.suites]);
    const rows = v.rows.map((r) => `<tr>${r.map((c, i) => `<td${i > 0 ? ' class="num"' : ""}>${esc(c)}</td>`).join("")}</tr>`);
    return `<p>${esc(v.summary)}</p>${rows.length ? htmlTable("memory", v.header, rows) : ""}`;
  },
  md(m) {
    const v = memoryView(m.memory, [...m.steps, ...m.suites]);
    return v.rows.length ? `${mdCell(v.summary)}\n\n${mdTable(v.header, v.rows.map((r) => r.map(mdCell)))}` : mdCell(v.summary);
  },
};
