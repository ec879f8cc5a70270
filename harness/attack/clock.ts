import { FALCO_CLOCK_FIX } from "../falco/alert.ts";

/**
 * The offset between the node's clock (Falco's and Tetragon's event times)
 * and this machine's (attempt windows), measured from marker execs rather
 * than assumed. A marker's event happened while its `kubectl exec` ran, so
 * for that marker: event time - exec end <= offset <= event time - exec start.
 * The offset is one number for a run (kind shares the host's clock; a VM's
 * drifts by far less than a run's length), so the bounds of all markers of a
 * stream intersect. The bound is wide by the exec's own latency, never by
 * more: it is what the markers prove, not a guess.
 */
export interface OffsetBound {
  /** Lowest node-minus-harness offset the markers allow, ms. */
  minMs: number;
  /** Highest, ms. */
  maxMs: number;
}

/** What the clock judgement reads from a barrier record (older bundles lack execEndMs). */
export interface MarkerTiming {
  requestedMs?: number;
  execEndMs?: number;
  seen: Record<string, number>;
}

/** The offset bound one marker proves. */
export function markerOffset(eventMs: number, execStartMs: number, execEndMs: number): OffsetBound {
  return { minMs: eventMs - execEndMs, maxMs: eventMs - execStartMs };
}

export interface StreamOffset {
  stream: string;
  markers: number;
  /** Intersection of the markers' bounds; when they do not intersect (the clock moved), their union. */
  bound: OffsetBound;
  consistent: boolean;
}

/** The offset bound of one stream over every timed marker; undefined when no marker was timed. */
export function streamOffset(barriers: readonly MarkerTiming[], stream: string): StreamOffset | undefined {
  const bounds = barriers.flatMap((b) => {
    const seen = b.seen[stream];
    return seen !== undefined && b.requestedMs !== undefined && b.execEndMs !== undefined ? [markerOffset(seen, b.requestedMs, b.execEndMs)] : [];
  });
  if (!bounds.length) return undefined;
  const minMs = Math.max(...bounds.map((x) => x.minMs));
  const maxMs = Math.min(...bounds.map((x) => x.maxMs));
  if (minMs <= maxMs) return { stream, markers: bounds.length, bound: { minMs, maxMs }, consistent: true };
  const union = { minMs: Math.min(...bounds.map((x) => x.minMs)), maxMs: Math.max(...bounds.map((x) => x.maxMs)) };
  return { stream, markers: bounds.length, bound: union, consistent: false };
}

/**
 * The symmetric slack an attempt window needs so that it holds every event
 * the measured offsets allow: the largest |offset| in the streams' bounds.
 * Falls back to `fallbackMs` when no marker of any stream was timed (bundles
 * recorded before barriers kept their exec end).
 */
export function clockSlackMs(barriers: readonly MarkerTiming[], streams: readonly string[], fallbackMs: number): number {
  const measured = streams.map((s) => streamOffset(barriers, s)).filter((x): x is StreamOffset => x !== undefined);
  if (!measured.length) return fallbackMs;
  return Math.ceil(Math.max(0, ...measured.flatMap((m) => [-m.bound.minMs, m.bound.maxMs])));
}

const STREAM_CLOCKS: Readonly<Record<string, string>> = { falco: "Falco's event clock", tetragon: "Tetragon's event clock" };

/** What resets a stream's clock offset, where it is known (harness/falco/alert.ts FALCO_CLOCK_FIX). */
export const STREAM_CLOCK_FIXES: Readonly<Record<string, string>> = { falco: FALCO_CLOCK_FIX };

/** `message`, with what resets the stream's clock offset when that is known. */
export function withClockFix(message: string, stream: string): string {
  const fix = STREAM_CLOCK_FIXES[stream];
  return fix ? `${message}. ${fix}` : message;
}

/** "480 ms", or "2.3 s" from a second on; a range in the unit of its larger end ("2.3–2.5 s"). */
function span(lo: number, hi = lo): string {
  const ms = Math.max(Math.abs(lo), Math.abs(hi)) < 1000;
  const f = (x: number) => (ms ? String(Math.round(x)) : (x / 1000).toFixed(1));
  return `${lo === hi ? f(lo) : `${f(lo)}–${f(hi)}`} ${ms ? "ms" : "s"}`;
}

/**
 * Why a stream's clock breaks attack attribution, or undefined when its
 * markers keep the offset within `limitMs`. Only a proven offset fails: a
 * bound that straddles the limit is the exec's latency, not the clock, and
 * the judges' slack covers it. Markers that do not intersect mean the clock
 * moved during the run, which no single slack can cover.
 */
export function clockOffsetProblem(barriers: readonly MarkerTiming[], stream: string, limitMs: number): string | undefined {
  const clock = STREAM_CLOCKS[stream] ?? `the ${stream} stream's clock`;
  const limit = `attribution windows assume <= ${span(limitMs)}`;
  const o = streamOffset(barriers, stream);
  if (!o) return `${clock} is unmeasured: no marker of ${stream} was timed, so ${limit} is unchecked`;
  const { minMs, maxMs } = o.bound;
  const fix = (m: string) => withClockFix(m, stream);
  if (!o.consistent) return fix(`${clock} moved against this machine's during the run: its ${o.markers} markers allow no single offset (together ${span(minMs, maxMs)}); ${limit}`);
  if (minMs > limitMs) return fix(`${clock} is ${span(minMs, maxMs)} ahead of this machine's; ${limit}`);
  if (maxMs < -limitMs) return fix(`${clock} is ${span(-maxMs, -minMs)} behind this machine's; ${limit}`);
  return undefined;
}
