import { esc } from "./html-text.ts";
import type { ReportModel } from "./model.ts";
import { REPORT_CSS } from "./report-css.ts";
import { headerHtml } from "./sections/header.ts";
import { SECTIONS } from "./sections/index.ts";

export { esc } from "./html-text.ts";

/**
 * The self-contained report.html: inline CSS, no script, no external
 * resource. The first screen is the verdict, the claim grid and the run's
 * identity; every section below is a <details>, expanded when printed.
 */
export function renderHtml(m: ReportModel): string {
  const sections = SECTIONS.filter((s) => s.when?.(m) ?? true).map(
    (s) => `<section id="${esc(s.id)}"><details${s.open ? " open" : ""}><summary><h2>${esc(s.title)}</h2></summary>${s.html(m)}</details></section>`,
  );
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>secretproof report ${esc(m.runId)}</title><style>${REPORT_CSS}</style></head><body>`,
    headerHtml(m),
    ...sections,
    "</body></html>",
    "",
  ].join("\n");
}
