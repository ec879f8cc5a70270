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
