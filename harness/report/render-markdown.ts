import type { ReportModel } from "./model.ts";
import { headerMd } from "./sections/header.ts";
import { SECTIONS } from "./sections/index.ts";

export { mdCell } from "./sections/section.ts";
export { claimTableMd } from "./sections/claims.ts";
export { matrixMd } from "./sections/matrix.ts";
export { headerMd as headlineMd } from "./sections/header.ts";

/** The full report.md: the header, then every section. */
export function renderMarkdown(m: ReportModel): string {
  return [headerMd(m), ...SECTIONS.filter((s) => s.when?.(m) ?? true).flatMap((s) => [`## ${s.title}`, s.md(m)]), ""].join("\n\n");
}

/** The GitHub job summary: the header and the sections that have a summary part. */
export function renderSummary(m: ReportModel): string {
  return [headerMd(m), ...SECTIONS.filter((s) => s.when?.(m) ?? true).flatMap((s) => (s.summaryMd ? [`## ${s.title}`, s.summaryMd(m)] : [])), ""].join("\n\n");
}
