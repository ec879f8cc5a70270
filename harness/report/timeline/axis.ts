/**
 * A time axis with long idle stretches cut out: the evidence of one run comes
 * in bursts (a suite's observation window, then set-up, then the next
 * suite), and a linear axis would squeeze every burst into a sliver. Pure.
 */

/** A stretch of the axis drawn to scale. */
export interface AxisSegment {
  fromMs: number;
  toMs: number;
  /** Where it starts and ends in drawing units. */
  x0: number;
  x1: number;
}

export interface Axis {
  segments: AxisSegment[];
  /** Drawing positions of the cuts between segments, and how long each cut stretch was. */
  breaks: { x: number; skippedMs: number }[];
  x(ms: number): number;
}

/** A gap is cut when it is longer than this share of the whole span… */
const CUT_SHARE = 0.2;
/** …and this many times the median gap between consecutive times: evenly spread evidence is never cut. */
const CUT_MEDIANS = 4;
/** Drawing units a cut takes. */
const BREAK_W = 18;

/** The bursts of `times`: runs of times no gap longer than the cut threshold separates. */
function bursts(times: readonly number[]): [number, number][] {
  const sorted = [...times].sort((a, b) => a - b);
  const first = sorted[0];
  if (first === undefined) return [];
  const gaps = sorted.slice(1).map((t, i) => t - (sorted[i] as number)).sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)] ?? 0;
  const cut = Math.max(((sorted.at(-1) as number) - first) * CUT_SHARE, median * CUT_MEDIANS);
  const out: [number, number][] = [[first, first]];
  for (const t of sorted.slice(1)) {
    const last = out.at(-1) as [number, number];
    if (t - last[1] > cut) out.push([t, t]);
    else last[1] = t;
  }
  return out;
}

/** Lays the bursts of `times` between x0 and x1 in proportion to their durations, each at least `minW` wide. */
export function cutAxis(times: readonly number[], x0: number, x1: number, minW = 60): Axis {
  const spans = bursts(times);
  const room = x1 - x0 - BREAK_W * Math.max(0, spans.length - 1);
  const total = spans.reduce((s, [a, b]) => s + (b - a), 0);
  const widths = spans.map(([a, b]) => (total > 0 ? Math.max(minW, ((b - a) / total) * room) : room / spans.length));
  const k = room / Math.max(1, widths.reduce((s, w) => s + w, 0));
  const segments: AxisSegment[] = [];
  let at = x0;
  for (const [i, [a, b]] of spans.entries()) {
    const w = (widths[i] as number) * k;
    segments.push({ fromMs: a, toMs: b, x0: at, x1: at + w });
    at += w + BREAK_W;
  }
  const breaks = segments.slice(1).map((s, i) => ({ x: s.x0 - BREAK_W / 2, skippedMs: s.fromMs - (segments[i] as AxisSegment).toMs }));
  const x = (ms: number): number => Math.min(x1, Math.max(x0, place(ms)));
  const place = (ms: number): number => {
    const s = segments.find((g) => ms <= g.toMs) ?? segments.at(-1);
    if (!s) return x0;
    if (ms < s.fromMs) return s.x0 - BREAK_W / 2;
    return s.toMs === s.fromMs ? (s.x0 + s.x1) / 2 : s.x0 + ((ms - s.fromMs) / (s.toMs - s.fromMs)) * (s.x1 - s.x0);
  };
  return { segments, breaks, x };
}
