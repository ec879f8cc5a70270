import { toMs } from "../../clusters/duration.ts";
import { waitFor } from "../core/wait.ts";
import type { BarrierRecord } from "./barrier.ts";
import type { AttackSession } from "./session.ts";

/** The stream whose drops the closing marker settles (FalcoCollector's name). */
export const DROP_STREAM = "falco";

/**
 * When a batch's closing marker exec may start: waits.falcoDropCheck after
 * the last marker exec returned (this machine's clock; the node's clock
 * differs by one offset, so the gap between the two execs' events is at
 * least as long). Falco checks its drop counters at the first event more
 * than a second after its last check (harness/falco/drop-config.ts), so it
 * has checked them by the closing marker's exec, and any drop up to the last
 * marker is then reported before that marker's alert: the check runs before
 * the event goes to the rules (falco 0.44.1 userspace/falco/app/actions/process_events.cpp:298
 * before :307), and both leave through one output queue (the drop alert
 * event_drops.cpp:200 → falco_outputs.cpp:232, a rule's alert :167).
 * Undefined when there is no marker to follow (nothing ran).
 */
export function dropCheckDueMs(last: Pick<BarrierRecord, "execEndMs"> | undefined, dropCheckMs: number): number | undefined {
  return last === undefined ? undefined : last.execEndMs + dropCheckMs;
}

/** Waits until the closing marker is due (dropCheckDueMs), then runs it; its delivery is awaited with the batch's markers. */
export async function closingMark(s: Pick<AttackSession, "deps" | "mark">, last: BarrierRecord): Promise<BarrierRecord> {
  const w = s.deps.profile.waits;
  const dueMs = dropCheckDueMs(last, toMs(w.falcoDropCheck)) as number;
  await waitFor(
    `waits.falcoDropCheck (${w.falcoDropCheck}) after marker ${last.nonce}, so Falco has checked its drop counters by the closing marker`,
    () => (Date.now() >= dueMs ? { done: true, value: true } : { done: false, state: `${dueMs - Date.now()} ms to go` }),
    { timeoutMs: toMs(w.falcoDropCheck) + toMs(w.command), intervalMs: toMs(w.eventPoll) },
  );
  return s.mark();
}

/**
 * After a judged absence's last barrier (the F1 quiet window), runs the
 * closing marker and waits for Falco to deliver it, so any drop up to that
 * barrier is in the stream before the absence is judged or the stream
 * closed. Throws naming the marker when Falco did not deliver it.
 */
export async function settleDrops(s: Pick<AttackSession, "deps" | "mark" | "awaitMarkers">, last: BarrierRecord): Promise<BarrierRecord> {
  const c = await closingMark(s, last);
  const missing = (await s.awaitMarkers([c])).find((u) => u.stream === DROP_STREAM);
  if (missing) {
    throw new Error(`the closing marker exec (${c.nonce}), which proves Falco reported every event drop up to marker ${last.nonce}, was not delivered by the falco stream`, { cause: missing.error });
  }
  return c;
}
