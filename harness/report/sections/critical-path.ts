import { criticalPathHtml, criticalPathMd } from "../critical-path.ts";
import { esc } from "../html-text.ts";
import { mdCell, type ReportSection } from "./section.ts";

/** Which steps and waits decided the run's wall time, and each wait's share; also in the job summary. */
export const criticalPathSection: ReportSection = {
  id: "critical-path",
  title: "Critical path",
  html: (m) => criticalPathHtml(m, esc),
  md: (m) => criticalPathMd(m, mdCell),
  summaryMd: (m) => criticalPathMd(m, mdCell),
};
