import { formatMs } from "../../../clusters/duration.ts";
import { esc } from "../html-text.ts";
import type { ReportModel } from "../model.ts";
import type { Timeline } from "../timeline/model.ts";
import { timelineSvg } from "../timeline/svg.ts";
import { mdCell, mdCode, mdTable, type ReportSection } from "./section.ts";

const isEmpty = (t: Timeline) => t.lanes.length === 0 && t.attacks.length === 0 && t.pod.length === 0 && !t.enforcing;
const rel = (t: Timeline, ms: number | undefined) => (ms === undefined ? "—" : `+${formatMs(Math.round(ms - t.startMs))}`);

const LEGEND =
  '<p class="legend"><span class="k-life">identity in use, first sighting to drop</span> <span class="k-open">not seen dropped</span> ' +
  '<span class="k-expiry">lease expiry</span> <span class="k-enforcing">policy enforcing</span> ' +
  '<span class="k-detect">Falco alert</span> <span class="k-kill">Tetragon kill</span></p>';

function problemsHtml(t: Timeline): string {
  return t.problems.length ? `<p class="v-inconclusive">Not drawn: ${t.problems.map(esc).join("; ")}</p>` : "";
}

function timelineHtml(m: ReportModel): string {
  const t = m.timeline;
  if (isEmpty(t)) return `${problemsHtml(t)}<p>The bundle holds no timed evidence to draw.</p>`;
  const start = new Date(t.startMs).toISOString();
  return `<p class="meta">from ${esc(start)} (harness clock), ${esc(formatMs(Math.round(t.endMs - t.startMs)))} in all; hover for detail</p>${LEGEND}<figure id="timeline">${timelineSvg(t)}</figure>${problemsHtml(t)}`;
}

function timelineMd(m: ReportModel): string {
  const t = m.timeline;
  const out = t.problems.length ? [`Not drawn: ${mdCell(t.problems.join("; "))}`, ""] : [];
  if (isEmpty(t)) return [...out, "The bundle holds no timed evidence to draw."].join("\n");
  out.push(`From ${new Date(t.startMs).toISOString()} (harness clock); times relative to it.`, "");
  if (t.enforcing) out.push(`Policy ${mdCell(t.enforcing.policy)} enforcing ${rel(t, t.enforcing.fromMs)} to ${rel(t, t.enforcing.toMs)}${t.enforcing.removed ? ", then removed" : ""}.`, "");
  if (t.pod.length) out.push(`App pod restartCount: ${t.pod.map((p) => `${p.restartCount} at ${rel(t, p.ms)}`).join(", ")}.`, "");
  if (t.attacks.length) out.push(`${t.attacks.length} attack attempts, ${rel(t, t.attacks[0]?.ms)} to ${rel(t, t.attacks.at(-1)?.ms)}.`, "");
  if (t.lanes.length) {
    const rows = t.lanes.map((l) => [mdCode(l.identity), rel(t, l.fromMs), l.expiryMs === undefined ? "—" : `${rel(t, l.expiryMs)} (${l.expiryBasis})`, l.droppedMs === undefined ? "not seen dropped" : rel(t, l.droppedMs)]);
    out.push(mdTable(["DB identity", "first seen", "lease expiry", "dropped"], rows));
  }
  return out.join("\n").trimEnd();
}

export const timelineSection: ReportSection = { id: "timeline-section", title: "Timeline", html: timelineHtml, md: timelineMd };
