import type { ReportModel, ShownVerdict } from "../model.ts";
import { esc } from "../html-text.ts";

/**
 * One section of the report, rendered from the model for both outputs. A new
 * section is one more module and one more entry in SECTIONS (index.ts).
 */
export interface ReportSection {
  /** The section's anchor in report.html. */
  id: string;
  title: string;
  html(m: ReportModel): string;
  md(m: ReportModel): string;
  /** Its part of the GitHub job summary, when it has one. */
  summaryMd?(m: ReportModel): string;
  /** Whether the report has this section at all (default: always). */
  when?(m: ReportModel): boolean;
}

/** The CSS class of a verdict, for any verdict word ("not run" → v-not-run). */
export const verdictClass = (v: ShownVerdict | string): string => `v-${v.replaceAll(" ", "-")}`;

/** Words, not emoji, in HTML: the report must read the same with whatever fonts the viewer has. */
export const verdictWord = (v: ShownVerdict | string): string => v.toUpperCase();

export function htmlList(items: readonly string[], code = false): string {
  return items.length ? `<ul>${items.map((i) => `<li>${code ? `<code>${esc(i)}</code>` : esc(i)}</li>`).join("")}</ul>` : "<p>—</p>";
}

export function htmlTable(id: string, header: readonly string[], rows: readonly string[]): string {
  const head = header.map((h) => `<th scope="col">${esc(h)}</th>`).join("");
  return `<table id="${id}"><thead><tr>${head}</tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>`;
}

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

/**
 * Text as a markdown code span that survives a table cell: entities are not
 * decoded inside a code span, so only the cell's pipe is escaped (GFM
 * tables split on unescaped pipes before reading code spans) and the fence
 * is longer than any backtick run inside.
 */
export function mdCode(text: string): string {
  const flat = text.replace(/\r?\n/g, " ").replaceAll("|", "\\|");
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((x) => x[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

export function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const r of rows) lines.push(`| ${r.join(" | ")} |`);
  return lines.join("\n");
}
