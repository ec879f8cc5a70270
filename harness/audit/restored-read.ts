import { toMs } from "../../clusters/duration.ts";
import { judgeRestored, type EnforcementEvidence, type PhaseWindow } from "../claims/enforcement/judge.ts";
import { judgeUntilPass } from "../core/settle.ts";
import type { Profile } from "../profile.ts";
import { killSettleMs } from "../tetragon/event-cache.ts";
import type { ProvenRemoval } from "./after-removal.ts";
import type { AttackPrep } from "./attack-step.ts";
import type { EnforcementSession } from "./enforcement-types.ts";

/** The entry T1's negative control reads with once the policy is gone, as the suites do (suites/e2e/enforcement.test.ts). */
export const RESTORED_ATTACK = "cat";

/**
 * T1's negative control, on the same pod and session once the policy's
 * removal and unload were proven: the removal's time goes into the phase's
 * window and its proof into the evidence (layout.ts policyRemoved), then the
 * catalogue's `cat` on the target's password path runs in phase "restored",
 * judged (judgeRestored) until it passes or Tetragon's kill wait runs out
 * (killSettleMs). Nothing is read when the entry is not run or on an interrupt.
 */
export async function restoredRead(
  c: { prep: AttackPrep; profile: Profile },
  s: EnforcementSession,
  phase: PhaseWindow,
  removal: ProvenRemoval,
  signal: AbortSignal,
  evidence: () => EnforcementEvidence,
): Promise<void> {
  phase.removedAtMs = removal.removedAtMs;
  const cat = c.prep.cat.attacks.find((a) => a.id === RESTORED_ATTACK);
  if (!cat || c.prep.cat.notRun[RESTORED_ATTACK] !== undefined || signal.aborted) return;
  const r = await s.attack(s.resolve(cat), "restored");
  const w = c.profile.waits;
  const timeoutMs = killSettleMs(Date.now(), r.record.endMs, toMs(w.killWait), toMs(w.tetragonEventDelay));
  await judgeUntilPass("the read after the policy's removal's Tetragon events", () => judgeRestored(cat, r.record, evidence()), { timeoutMs, intervalMs: toMs(w.eventPoll), signal });
}
