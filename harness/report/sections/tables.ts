import { formatMs } from "../../../clusters/duration.ts";
import type { StepTiming } from "../../evidence/recorder.ts";
import { esc } from "../html-text.ts";
import type { ReportModel } from "../model.ts";
import { htmlTable, mdCell, mdTable, type ReportSection } from "./section.ts";

function timingsHtml(id: string, items: StepTiming[], what: string): string {
  if (items.length === 0) return `<p>No ${esc(what)} recorded.</p>`;
  const rows = items.map(
    (t) =>
      `<tr><td>${esc(t.name)}</td><td class="num">${esc(formatMs(t.durationMs))}</td>` +
      `<td class="${t.ok ? "v-pass" : "v-fail"}">${t.ok ? "ok" : esc(t.error ? `failed: ${t.error}` : "failed")}</td></tr>`,
  );
  return htmlTable(id, [what, "duration", "result"], rows);
}

function timingsMd(list: StepTiming[], what: string): string {
  if (list.length === 0) return `No ${what} recorded.`;
  const rows = list.map((t) => [mdCell(t.name), formatMs(t.durationMs), t.ok ? "ok" : t.error ? `failed: ${mdCell(t.error)}` : "failed"]);
  return mdTable([what, "duration", "result"], rows);
}

function pairsHtml(id: string, pairs: [string, string][], what: string): string {
  if (pairs.length === 0) return `<p>No ${esc(what)} recorded.</p>`;
  return htmlTable(id, [what, "value"], pairs.map(([k, v]) => `<tr><td>${esc(k)}</td><td><code>${esc(v)}</code></td></tr>`));
}

function pairsMd(pairs: [string, string][], what: string): string {
  return pairs.length ? mdTable([what, "value"], pairs.map(([k, v]) => [mdCell(k), mdCell(v)])) : `No ${what} recorded.`;
}

export const timingsSection: ReportSection = {
  id: "timings",
  title: "Timings",
  html: (m) => `<h3>Steps</h3>${timingsHtml("steps", m.steps, "step")}<h3>Suites</h3>${timingsHtml("suites", m.suites, "suite")}`,
  md: (m) => ["### Steps", timingsMd(m.steps, "step"), "### Suites", timingsMd(m.suites, "suite")].join("\n\n"),
};

/** A section listing name → value pairs of the model. */
function pairsSection(id: string, title: string, what: string, pick: (m: ReportModel) => [string, string][]): ReportSection {
  return { id: `${id}-section`, title, html: (m) => pairsHtml(id, pick(m), what), md: (m) => pairsMd(pick(m), what) };
}

export const versionsSection = pairsSection("versions", "Versions", "component", (m) => m.versions);
export const profileSection = pairsSection("profile", "Profile", "setting", (m) => m.profile);
export const environmentSection = pairsSection("environment", "Environment", "property", (m) => m.environment);
