import { formatMs } from "../../../clusters/duration.ts";
import { esc } from "../html-text.ts";
import type { ReportModel } from "../model.ts";
import { mutationLine } from "../mutation-view.ts";
import { mdCell, mdCode, verdictClass, verdictWord } from "./section.ts";

/** The claims that did not pass, or none. */
const notPassed = (m: ReportModel) => m.overall.filter((o) => o.verdict !== "pass");

/** The anchor of a claim's details. */
export const claimAnchor = (claim: string): string => `claim-${claim}`;

function verdictLine(m: ReportModel): string {
  const failing = notPassed(m);
  return failing.length ? `Not proven: ${failing.map((o) => o.claim).join(", ")}` : "Every claim passed";
}

/** The claim grid: one cell per claim of the claim list, coloured by its worst verdict, linking to its details. */
function claimGrid(m: ReportModel): string {
  const cells = m.overall.map(
    (o) =>
      `<a class="cell ${verdictClass(o.verdict)}" href="#${claimAnchor(o.claim)}" data-claim="${esc(o.claim)}">` +
      `<span class="id">${esc(o.claim)}</span><span class="word">${esc(verdictWord(o.verdict))}</span><span class="title">${esc(o.title)}</span></a>`,
  );
  return `<nav id="claim-grid" aria-label="claims">${cells.join("")}</nav>`;
}

function identityLine(m: ReportModel): string {
  const parts = [`run <code>${esc(m.runId)}</code>`, ...m.identity.map(([k, v]) => `${esc(k)} <code>${esc(v)}</code>`)];
  return `<p id="run-identity" class="identity">${parts.join(" · ")}</p>`;
}

export function headerHtml(m: ReportModel): string {
  const dur = m.durationMs === undefined ? "unfinished" : formatMs(m.durationMs);
  const custom = m.custom.length ? `<p class="meta">${m.custom.map((c) => `<strong>${esc(c)}</strong>`).join(" · ")}</p>` : "";
  return (
    `<header><h1>secretproof evidence report</h1>` +
    `<p id="overall" class="verdict ${notPassed(m).length ? "v-fail" : "v-pass"}">${esc(verdictLine(m))}</p>${claimGrid(m)}${identityLine(m)}` +
    `<p class="meta">run status ${esc(m.status)} · started ${esc(m.startedAt)} · duration ${esc(dur)} · ` +
    `${esc(`${m.tool.name} ${m.tool.version}`)} on Node ${esc(m.tool.node)}</p>${custom}` +
    (m.mutation ? `<p class="verdict mutation">${esc(mutationLine(m.mutation)!)}</p>` : "") +
    "</header>"
  );
}

export function headerMd(m: ReportModel): string {
  const dur = m.durationMs === undefined ? "unfinished" : formatMs(m.durationMs);
  const failing = notPassed(m).map((o) => o.claim);
  const verdict = failing.length ? `❌ not proven: ${failing.join(", ")}` : "✅ every claim passed";
  const identity = [`run ${mdCell(m.runId)}`, ...m.identity.map(([k, v]) => `${mdCell(k)} ${mdCode(v)}`)].join(" · ");
  return [
    `# secretproof evidence report: run ${mdCell(m.runId)}`,
    "",
    `**${verdict}**`,
    "",
    identity,
    "",
    `run status ${m.status} · started ${m.startedAt} · duration ${dur} · ${mdCell(m.tool.name)} ${mdCell(m.tool.version)} on Node ${mdCell(m.tool.node)}`,
    "",
    [...m.custom.map((c) => `**${mdCell(c)}**`), mdCell(m.expectations)].join(" · "),
    ...(m.mutation ? ["", `**${mdCell(mutationLine(m.mutation)!)}**`] : []),
  ].join("\n");
}
