import { formatMs } from "../../../clusters/duration.ts";
import { esc } from "../html-text.ts";
import { cutAxis, type Axis } from "./axis.ts";
import type { AttackTick, Timeline } from "./model.ts";

/** Drawing units: the SVG scales to its box (width 100%), so these are proportions, not pixels. */
const W = 1200;
const LABEL = 290;
const X0 = LABEL + 10;
const X1 = W - 16;
const ROW = 18;
const AXIS = 28;

/** An identity short enough for the label column; the full name is the lane's tooltip. */
export function shortIdentity(id: string): string {
  return id.length <= 38 ? id : `${id.slice(0, 22)}…${id.slice(-14)}`;
}

const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

/** Every time the drawing places, so that the axis keeps each burst of evidence readable. */
function drawnTimes(t: Timeline): number[] {
  return [
    ...t.lanes.flatMap((l) => [l.fromMs, l.droppedMs, l.expiryMs, l.revokedMs]),
    ...t.pod.map((p) => p.ms),
    ...t.attacks.map((a) => a.ms),
    ...(t.enforcing ? [t.enforcing.fromMs, t.enforcing.toMs] : []),
  ].filter((v): v is number => v !== undefined && Number.isFinite(v));
}

function axisMarks(t: Timeline, a: Axis, height: number): string {
  const wanted = a.segments.flatMap((s) => (s.x1 - s.x0 > 160 ? [s.fromMs, (s.fromMs + s.toMs) / 2, s.toMs] : [s.fromMs]));
  // a label needs about 60 units: drop any that would overlap the last one kept
  const ticks: number[] = [];
  for (const ms of wanted) if (ticks.length === 0 || a.x(ms) - a.x(ticks.at(-1) as number) >= 60) ticks.push(ms);
  const lines = ticks.map(
    (ms) => `<line class="grid" x1="${fmt(a.x(ms))}" y1="${AXIS - 6}" x2="${fmt(a.x(ms))}" y2="${height}"/><text class="axis" x="${fmt(a.x(ms))}" y="${AXIS - 10}" text-anchor="${a.x(ms) > X1 - 40 ? "end" : a.x(ms) < X0 + 40 ? "start" : "middle"}">+${esc(formatMs(Math.round(ms - t.startMs)))}</text>`,
  );
  const cuts = a.breaks.map(
    (b) => `<g class="cut"><title>${esc(`${formatMs(Math.round(b.skippedMs))} without evidence, cut out`)}</title><rect x="${fmt(b.x - 5)}" y="${AXIS - 6}" width="10" height="${height - AXIS + 6}"/></g>`,
  );
  return lines.join("") + cuts.join("");
}

const label = (y: number, text: string, title = text) => `<text class="label" x="${LABEL}" y="${y + 13}" text-anchor="end"><title>${esc(title)}</title>${esc(text)}</text>`;

function attackTitle(a: AttackTick): string {
  const parts = [`${a.attack} (${a.phase}) exit ${a.exitCode}`];
  if (a.detectMs !== undefined) parts.push(a.detectMs === null ? "no Falco alert" : `detected after ${formatMs(a.detectMs)}`);
  if (a.killMs !== undefined) parts.push(a.killMs === null ? "not killed" : `killed after ${formatMs(a.killMs)}`);
  return parts.join(", ");
}

function attackRow(t: Timeline, x: (ms: number) => number, y: number): string {
  const ticks = t.attacks.map((a) => {
    const cx = fmt(x(a.ms));
    const marks = [
      a.detectMs != null ? `<circle class="detect" cx="${cx}" cy="${y + 4}" r="3"/>` : "",
      a.killMs != null ? `<rect class="kill" x="${fmt(x(a.ms) - 3)}" y="${y + 26}" width="6" height="6"/>` : "",
    ].join("");
    return `<g class="attack" data-attack="${esc(a.attack)}" data-phase="${esc(a.phase)}"><title>${esc(attackTitle(a))}</title><line class="tick" x1="${cx}" y1="${y + 6}" x2="${cx}" y2="${y + 26}"/>${marks}</g>`;
  });
  return `${label(y + 8, `attacks (${t.attacks.length})`)}${ticks.join("")}`;
}

function podRow(t: Timeline, x: (ms: number) => number, y: number): string {
  let prev: number | undefined;
  const points = t.pod.map((p) => {
    const restarted = prev !== undefined && p.restartCount > prev;
    prev = p.restartCount;
    return `<g class="pod${restarted ? " restarted" : ""}"><title>${esc(`${p.pod} restartCount ${p.restartCount}`)}</title><circle cx="${fmt(x(p.ms))}" cy="${y + 9}" r="4"/></g>`;
  });
  const counts = [...new Set(t.pod.map((p) => p.restartCount))].join(" → ");
  return `${label(y, `pod restartCount ${counts || "not recorded"}`)}${points.join("")}`;
}

function laneRows(t: Timeline, x: (ms: number) => number, y0: number): string {
  return t.lanes
    .map((l, i) => {
      const y = y0 + i * ROW;
      const to = l.droppedMs ?? t.endMs;
      const bar = `<rect class="life${l.droppedMs === undefined ? " open" : ""}" x="${fmt(x(l.fromMs))}" y="${y + 4}" width="${fmt(Math.max(2, x(to) - x(l.fromMs)))}" height="10"/>`;
      const expiry = l.expiryMs === undefined ? "" : `<line class="expiry" x1="${fmt(x(l.expiryMs))}" y1="${y + 1}" x2="${fmt(x(l.expiryMs))}" y2="${y + 17}"><title>${esc(`${l.expiryBasis}`)}</title></line>`;
      const revoked = l.revokedMs === undefined ? "" : `<text class="revoked" x="${fmt(x(l.revokedMs))}" y="${y + 14}" text-anchor="middle">×</text>`;
      const fate = l.droppedMs === undefined ? "not seen dropped" : `dropped after ${formatMs(Math.round(l.droppedMs - l.fromMs))}`;
      return `<g class="lane" data-identity="${esc(l.identity)}"><title>${esc(`${l.identity}: ${fate}`)}</title>${label(y, shortIdentity(l.identity), l.identity)}${bar}${expiry}${revoked}</g>`;
    })
    .join("");
}

/** The timeline as a self-contained inline SVG: no script, no external reference; hover titles carry the detail. */
export function timelineSvg(t: Timeline): string {
  const a = cutAxis(drawnTimes(t), X0, X1);
  const x = a.x;
  let y = AXIS + 4;
  const parts: string[] = [];
  if (t.enforcing) {
    const e = t.enforcing;
    parts.push(label(y, `policy ${e.policy} enforcing`), `<rect class="enforcing" x="${fmt(x(e.fromMs))}" y="${y + 3}" width="${fmt(Math.max(2, x(e.toMs) - x(e.fromMs)))}" height="12"><title>${esc(`${e.policy} enforcing for ${formatMs(e.toMs - e.fromMs)}${e.removed ? ", then removed" : " (removal not recorded)"}`)}</title></rect>`);
    y += ROW + 4;
  }
  parts.push(attackRow(t, x, y));
  y += 40;
  parts.push(podRow(t, x, y));
  y += ROW + 8;
  parts.push(laneRows(t, x, y));
  const height = y + t.lanes.length * ROW + 6;
  return (
    `<svg class="timeline" viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="timeline of the run's evidence">` +
    `${axisMarks(t, a, height)}${parts.join("")}</svg>`
  );
}
