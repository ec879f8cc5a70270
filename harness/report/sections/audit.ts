import { auditBodyHtml, auditBodyMd } from "../audit-section.ts";
import { esc } from "../html-text.ts";
import { mdCell, type ReportSection } from "./section.ts";

/** An audit run's per-claim status, what was found and what is missing; only in an audit's report. */
export const auditSection: ReportSection = {
  id: "audit",
  title: "Audit",
  when: (m) => m.audit !== undefined,
  html: (m) => (m.audit ? auditBodyHtml(m.audit, esc) : ""),
  md: (m) => (m.audit ? auditBodyMd(m.audit, mdCell).join("\n\n") : ""),
  summaryMd: (m) => (m.audit ? auditBodyMd(m.audit, mdCell).join("\n\n") : ""),
};
