import type { AttackSession } from "./session.ts";
import type { BarrierRecord, MarkerStream, Undelivered } from "./barrier.ts";
import type { AttemptResult } from "./runner.ts";
import { closingMark, DROP_STREAM } from "./drop-check.ts";

/** What one step of a batch left: its result or the error it failed with, the marker before it and the markers it ran. */
export interface BatchEntry {
  result?: AttemptResult;
  error?: unknown;
  /** The nonce of the last marker before the step: the lower bound of its window. */
  previous?: string;
  markers: string[];
}

function lostMessage(id: string, lost: Undelivered, before: boolean): Error {
  const why = lost.error instanceof Error ? lost.error.message : String(lost.error);
  const which = before ? `the marker exec before ${id} (${lost.nonce}), the lower bound of its window,` : `the marker exec after ${id} (${lost.nonce})`;
  return new Error(`${which} was not delivered by the ${lost.stream} stream: ${why}`, { cause: lost.error });
}

/**
 * Why an entry of a batch has no usable result: the error its step failed
 * with, or the first of its markers a stream did not deliver (its window is
 * then unbounded there, as when a barrier after a lone attempt fails), or
 * the marker before it when a stream did not deliver that one (its window
 * then has no lower bound in that stream: an earlier attempt's late event
 * would count as its own).
 * Undefined when the entry ran and every stream delivered those markers.
 */
export function entryError(id: string, entry: BatchEntry | undefined, undelivered: readonly Undelivered[]): Error | undefined {
  if (!entry) return new Error(`${id} was not attempted: the batch holds no step for it`);
  if (entry.error !== undefined) return entry.error instanceof Error ? entry.error : new Error(String(entry.error));
  const lost = undelivered.find((u) => entry.markers.includes(u.nonce));
  if (lost) return lostMessage(id, lost, false);
  const before = undelivered.find((u) => u.nonce === entry.previous);
  return before ? lostMessage(id, before, true) : undefined;
}

/** Every marker of `records` a stream has not delivered yet, as undelivered: a stopping run does not wait for them. */
export function notAwaited(records: readonly BarrierRecord[], streams: readonly MarkerStream[], reason: string): Undelivered[] {
  return streams.flatMap((st) => records.filter((b) => b.seen[st.name] === undefined).map((b) => ({ stream: st.name, nonce: b.nonce, error: new Error(`not awaited: ${reason}`) })));
}

const CLOSING_FAILED = "closing marker exec";

/**
 * The batch's closing marker exec, waits.falcoDropCheck after its last
 * marker (harness/attack/drop-check.ts): once delivered, any Falco drop up to
 * the last attempt has been reported, so an absence is judged with every
 * drop counted. When the exec itself fails, it is reported as undelivered in
 * every stream. Nothing when no step ran a marker.
 */
async function closeBatch(s: BatchSession, start: number): Promise<{ nonce?: string; failed: Undelivered[] }> {
  const last = s.barriers.at(-1);
  if (!last || s.barriers.length <= start) return { failed: [] };
  try {
    return { nonce: (await closingMark(s, last)).nonce, failed: [] };
  } catch (error) {
    return { nonce: CLOSING_FAILED, failed: [{ stream: DROP_STREAM, nonce: CLOSING_FAILED, error }] };
  }
}

/** Why every entry's absences are unproven: Falco did not deliver the closing marker (Tetragon's delivery of it proves nothing here). */
export function closingError(closing: string | undefined, undelivered: readonly Undelivered[]): Error | undefined {
  const lost = closing === undefined ? undefined : undelivered.find((u) => u.nonce === closing && u.stream === DROP_STREAM);
  if (!lost) return undefined;
  const why = lost.error instanceof Error ? lost.error.message : String(lost.error);
  return new Error(`the batch's closing marker exec (${closing}), which proves Falco reported every event drop up to the last attempt, was not delivered by the ${lost.stream} stream: ${why}`, { cause: lost.error });
}

/**
 * After a step that left no marker, a fresh marker exec: the lower bound of
 * the next step's window, so the earlier attempt's late events are not
 * counted as the next one's. Returns the next step's error when that exec
 * fails too (its window would have no lower bound).
 */
async function boundAfter(s: Pick<AttackSession, "mark">, previous: string, next: string): Promise<Error | undefined> {
  try {
    await s.mark();
    return undefined;
  } catch (error) {
    return new Error(`${next} was not attempted: no marker followed ${previous}, and the marker exec before ${next} failed too, so its window would have no lower bound`, { cause: error });
  }
}

/** What a batch uses of a session: its markers, the streams they are awaited in, and its profile (the closing marker's gap). */
export type BatchSession = Pick<AttackSession, "barriers" | "streams" | "awaitMarkers" | "mark" | "deps">;

/** When the run is stopping, why (harness/vitest/run-stop.ts); undefined while it is not. */
export type BatchStop = () => string | undefined;

/**
 * A batch of attempts: every step runs first, one after another, each
 * followed by its own marker exec (AttackSession.attempt: the lower bound of
 * the next attempt's window), and only then one wait for the delivery of
 * every marker the steps ran, and of the marker before the first step when a
 * stream has not delivered it yet (AttackSession.awaitMarkers). A step's
 * failure is kept for its own test and the next step runs; the tests then
 * judge the recorded attempts. Once `stopped` names a reason, no further step
 * starts: a cancelled run does not reach a hook that is running (run-stop.ts),
 * so the batch asks before each step, and every entry not run fails its test
 * with that reason.
 */
export class AttemptBatch {
  private constructor(
    readonly entries: ReadonlyMap<string, BatchEntry>,
    readonly undelivered: readonly Undelivered[],
    /** The closing marker's nonce (closeBatch), when it ran or failed. */
    readonly closing?: string,
  ) {}

  static async run<A extends { id: string }>(s: BatchSession, attacks: readonly A[], step: (a: A) => Promise<AttemptResult>, stopped: BatchStop = () => undefined): Promise<AttemptBatch> {
    const entries = new Map<string, BatchEntry>();
    const start = s.barriers.length;
    const first = Math.max(0, start - 1);
    let unmarked: string | undefined;
    for (const a of attacks) {
      const reason = stopped();
      if (reason !== undefined) {
        entries.set(a.id, { previous: s.barriers.at(-1)?.nonce, markers: [], error: new Error(`${a.id} was not attempted: ${reason}`) });
        continue;
      }
      const lowerBound = unmarked === undefined ? undefined : await boundAfter(s, unmarked, a.id);
      unmarked = undefined;
      if (lowerBound) {
        entries.set(a.id, { previous: s.barriers.at(-1)?.nonce, markers: [], error: lowerBound });
        unmarked = a.id;
        continue;
      }
      const before = s.barriers.length;
      const entry: BatchEntry = { previous: s.barriers.at(-1)?.nonce, markers: [] };
      try {
        entry.result = await step(a);
      } catch (error) {
        entry.error = error;
      }
      entry.markers = s.barriers.slice(before).map((b) => b.nonce);
      entries.set(a.id, entry);
      // A step that ran but left no marker (its marker exec failed) gives the next one no lower bound: boundAfter runs a fresh one.
      if (entry.error !== undefined && entry.markers.length === 0) unmarked = a.id;
    }
    const reason = stopped();
    if (reason !== undefined) return new AttemptBatch(entries, notAwaited(s.barriers.slice(first), s.streams, reason));
    const closing = await closeBatch(s, start);
    // From the marker before the first step: one every stream already delivered is skipped (awaitMarkers).
    const undelivered = [...closing.failed, ...(await s.awaitMarkers(s.barriers.slice(first)))];
    return new AttemptBatch(entries, undelivered, closing.nonce);
  }

  /** The entry's result; throws what its step failed with, or names the stream that did not deliver one of its markers or the one before it. */
  result(id: string): AttemptResult {
    const entry = this.entries.get(id);
    const err = entryError(id, entry, this.undelivered) ?? closingError(this.closing, this.undelivered);
    if (err) throw err;
    return entry?.result as AttemptResult;
  }
}
