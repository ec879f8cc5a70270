import { verdictLabel } from "../format.ts";
import { esc } from "../html-text.ts";
import type { ClaimRow, ReportModel } from "../model.ts";
import { verdictText, type ReportMutation } from "../mutation-view.ts";
import { claimAnchor } from "./header.ts";
import { htmlList, mdCell, mdTable, verdictClass, verdictWord, type ReportSection } from "./section.ts";

/** The rows of each claim, in claim-list order. */
function byClaim(m: ReportModel): [string, ClaimRow[]][] {
  const out = new Map<string, ClaimRow[]>();
  for (const r of m.claims) out.set(r.claim, [...(out.get(r.claim) ?? []), r]);
  return [...out];
}

function rowHtml(r: ClaimRow, mutation?: ReportMutation): string {
  const nc = r.negativeControl;
  const control = nc
    ? `<h4>negative control: <span class="${verdictClass(nc.verdict)}">${esc(verdictWord(nc.verdict))}</span></h4>${htmlList(nc.reasons)}`
    : "";
  const subject = r.subject ? ` <span class="subject">${esc(r.subject)}</span>` : "";
  return (
    `<details class="verdict-row" data-verdict="${esc(r.verdict)}"${r.verdict === "pass" || r.verdict === "not run" ? "" : " open"}><summary><span class="badge ${verdictClass(r.verdict)}">${esc(verdictText(verdictWord(r.verdict), r, mutation))}</span>${subject}` +
    ` <span class="why">${esc(r.reasons[0] ?? "")}</span></summary>` +
    `<div class="body"><h4>decided by</h4>${htmlList(r.reasons)}<h4>evidence</h4>${htmlList(r.evidence, true)}${control}</div></details>`
  );
}

function claimsHtml(m: ReportModel): string {
  return byClaim(m)
    .map(([claim, rows]) => `<div class="claim" id="${claimAnchor(claim)}" data-claim="${esc(claim)}"><h3>${esc(claim)} <span class="title">${esc(rows[0]?.title ?? "")}</span></h3>${rows.map((r) => rowHtml(r, m.mutation)).join("")}</div>`)
    .join("\n");
}

/** What the claim table says of a verdict: a pass, its first reason; anything else, every reason (the one that decided may be any). */
const why = (r: ClaimRow) => mdCell(r.verdict === "pass" ? (r.reasons[0] ?? "") : r.reasons.join("; "));

/** The claim table of report.md: one line per verdict and why; every reason and the evidence follow under it. */
export function claimTableMd(m: ReportModel): string {
  const rows = m.claims.map((r) => [mdCell(r.subject ? `${r.claim} (${r.subject})` : r.claim), mdCell(r.title), mdCell(verdictText(verdictLabel(r.verdict), r, m.mutation)), why(r)]);
  return mdTable(["claim", "title", "verdict", "why"], rows);
}

function detailsMd(r: ClaimRow): string {
  const nc = r.negativeControl;
  const lines = [`### ${mdCell(r.claim)}${r.subject ? ` (${mdCell(r.subject)})` : ""}: ${verdictLabel(r.verdict)}`, "", "Decided by:", ...r.reasons.map((x) => `- ${mdCell(x)}`)];
  if (r.evidence.length) lines.push("", "Evidence:", ...r.evidence.map((e) => `- ${mdCell(e)}`));
  if (nc) lines.push("", `Negative control: ${verdictLabel(nc.verdict)}`, ...nc.reasons.map((x) => `- ${mdCell(x)}`));
  return lines.join("\n");
}

export const claimsSection: ReportSection = {
  id: "claims",
  title: "Claims",
  html: claimsHtml,
  md: (m) => [claimTableMd(m), ...m.claims.filter((r) => r.verdict !== "not run").map(detailsMd)].join("\n\n"),
  summaryMd: claimTableMd,
};
