import type { AttackSession } from "./session.ts";
import type { BarrierRecord, MarkerStream, Undelivered } from "./barrier.ts";
import type { AttemptResult } from "./runner.ts";

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
  ) {}

  static async run<A extends { id: string }>(s: AttackSession, attacks: readonly A[], step: (a: A) => Promise<AttemptResult>, stopped: BatchStop = () => undefined): Promise<AttemptBatch> {
    const entries = new Map<string, BatchEntry>();
    const first = Math.max(0, s.barriers.length - 1);
    for (const a of attacks) {
      const before = s.barriers.length;
      const entry: BatchEntry = { previous: s.barriers.at(-1)?.nonce, markers: [] };
      const reason = stopped();
      if (reason !== undefined) {
        entries.set(a.id, { ...entry, error: new Error(`${a.id} was not attempted: ${reason}`) });
        continue;
      }
      try {
        entry.result = await step(a);
      } catch (error) {
        entry.error = error;
      }
      entry.markers = s.barriers.slice(before).map((b) => b.nonce);
      entries.set(a.id, entry);
    }
    // From the marker before the first step: one every stream already delivered is skipped (awaitMarkers).
    const pending = s.barriers.slice(first);
    const reason = stopped();
    return new AttemptBatch(entries, reason === undefined ? await s.awaitMarkers(pending) : notAwaited(pending, s.streams, reason));
  }

  /** The entry's result; throws what its step failed with, or names the stream that did not deliver one of its markers or the one before it. */
  result(id: string): AttemptResult {
    const entry = this.entries.get(id);
    const err = entryError(id, entry, this.undelivered);
    if (err) throw err;
    return entry?.result as AttemptResult;
  }

  /** True when the entry's step ran and every stream delivered its markers and the one before it: its verdict can no longer change in Falco's stream. */
  settled(id: string): boolean {
    return entryError(id, this.entries.get(id), this.undelivered) === undefined;
  }
}
