import type { AttackSession } from "./session.ts";
import type { Undelivered } from "./barrier.ts";
import type { AttemptResult } from "./runner.ts";

/** What one step of a batch left: its result or the error it failed with, and the markers it ran. */
export interface BatchEntry {
  result?: AttemptResult;
  error?: unknown;
  markers: string[];
}

/**
 * Why an entry of a batch has no usable result: the error its step failed
 * with, or the first of its markers a stream did not deliver (its window is
 * then unbounded there, as when a barrier after a lone attempt fails).
 * Undefined when the entry ran and every stream delivered its markers.
 */
export function entryError(id: string, entry: BatchEntry | undefined, undelivered: readonly Undelivered[]): Error | undefined {
  if (!entry) return new Error(`${id} was not attempted: the batch holds no step for it`);
  if (entry.error !== undefined) return entry.error instanceof Error ? entry.error : new Error(String(entry.error));
  const lost = undelivered.find((u) => entry.markers.includes(u.nonce));
  if (!lost) return undefined;
  const why = lost.error instanceof Error ? lost.error.message : String(lost.error);
  return new Error(`the marker exec after ${id} (${lost.nonce}) was not delivered by the ${lost.stream} stream: ${why}`, { cause: lost.error });
}

/**
 * A batch of attempts: every step runs first, one after another, each
 * followed by its own marker exec (AttackSession.attempt: the lower bound of
 * the next attempt's window), and only then one wait for the delivery of
 * every marker the steps ran (AttackSession.awaitMarkers). A step's failure
 * is kept for its own test and the next step runs; the tests then judge the
 * recorded attempts.
 */
export class AttemptBatch {
  private constructor(
    readonly entries: ReadonlyMap<string, BatchEntry>,
    readonly undelivered: readonly Undelivered[],
  ) {}

  static async run<A extends { id: string }>(s: Pick<AttackSession, "barriers" | "awaitMarkers">, attacks: readonly A[], step: (a: A) => Promise<AttemptResult>): Promise<AttemptBatch> {
    const entries = new Map<string, BatchEntry>();
    const first = s.barriers.length;
    for (const a of attacks) {
      const before = s.barriers.length;
      const entry: BatchEntry = { markers: [] };
      try {
        entry.result = await step(a);
      } catch (error) {
        entry.error = error;
      }
      entry.markers = s.barriers.slice(before).map((b) => b.nonce);
      entries.set(a.id, entry);
    }
    return new AttemptBatch(entries, await s.awaitMarkers(s.barriers.slice(first)));
  }

  /** The entry's result; throws what its step failed with, or names the stream that did not deliver one of its markers. */
  result(id: string): AttemptResult {
    const entry = this.entries.get(id);
    const err = entryError(id, entry, this.undelivered);
    if (err) throw err;
    return entry?.result as AttemptResult;
  }
}
