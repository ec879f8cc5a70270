import { toMs } from "../../clusters/duration.ts";
import type { Attack } from "../attack/catalogue.ts";
import type { CataloguePaths } from "../attack/catalogue-paths.ts";
import { settleDrops } from "../attack/drop-check.ts";
import { AttemptFailed } from "../attack/runner.ts";
import type { AttackSession } from "../attack/session.ts";
import { writeDetectionEvidence } from "../claims/detection/evidence.ts";
import { judgeDetection, type QuietWindow } from "../claims/detection/judge.ts";
import { ID as DETECTION } from "../claims/detection/layout.ts";
import type { Verdict } from "../claims/verdict.ts";
import { waitFor } from "../core/wait.ts";
import type { ArtifactWriter } from "../evidence/recorder.ts";
import type { Profile } from "../profile.ts";
import type { AuditCatalogue } from "./attack-catalogue.ts";

/** The session calls running the catalogue takes (an AttackSession; a recorded stand-in in tests). */
export type CatalogueSession = Pick<AttackSession, "attack" | "attempts">;

/**
 * Runs every entry of `cat` not marked not-run, in catalogue order, in the
 * session's pod and phase (each attempt is followed by the session's barrier).
 * An attempt that did not complete is recorded by the session and the next
 * entry runs; any other failure (a barrier that timed out: a stream is down)
 * stops the run, and is returned, so the entries after it stay unattempted.
 * What --apply-policy runs while its policy is applied, in a session of phase
 * "enforcement".
 */
export async function runCatalogue(s: CatalogueSession, cat: AuditCatalogue): Promise<{ stopped?: string }> {
  for (const a of cat.attacks) {
    if (cat.notRun[a.id] !== undefined) continue;
    try {
      await s.attack(a);
    } catch (err) {
      if (err instanceof AttemptFailed) continue;
      return { stopped: `the run stopped at ${a.id}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  return {};
}

/**
 * The negative control's window: with the app probed, the session's traffic
 * must serve requests in it (as the suite waits, up to waits.appReady); without
 * a Service it is marked unprobed. Then a barrier settles Falco's stream.
 */
export async function quietWindow(s: AttackSession, profile: Profile): Promise<QuietWindow> {
  const previousBarrier = s.barriers.at(-1)?.nonce;
  const startMs = Date.now();
  if (s.probed) {
    await waitFor(
      "the app to serve requests in the quiet window",
      () => {
        s.forward.assertAlive();
        const served = s.traffic.probes().filter((p) => p.ms >= startMs && p.status === 200).length;
        return served >= 3 ? { done: true, value: served } : { done: false, state: s.traffic.probes().slice(-3) };
      },
      { timeoutMs: toMs(profile.waits.appReady), intervalMs: toMs(profile.waits.eventPoll) },
    );
  }
  const endMs = Date.now();
  const b = await s.barrier();
  await settleDrops(s, b);
  const unprobed = s.probed ? {} : { unprobed: "the target names no workload.service to probe the app through" };
  return { startMs, endMs, barrier: b.nonce, previousBarrier, ...unprobed };
}

/** The catalogue as the bundle records it: resolved for the pod's conditions, with what was not run and on which paths. */
export function recordedCatalogue(s: Pick<AttackSession, "env" | "resolve">, cat: AuditCatalogue, paths: CataloguePaths) {
  return { environment: s.env, attacks: cat.attacks.map((a: Attack) => s.resolve(a)), notRun: cat.notRun, paths };
}

/**
 * Writes the detection family's evidence from a finished session exactly as
 * the suite does (verify and report read it unchanged), judges F1/F2 with its
 * judge, and records the verdicts. The session is closed first, so the
 * streams' lines are complete; a failed close is thrown after the recording.
 */
export async function recordDetection(
  w: ArtifactWriter,
  s: AttackSession,
  x: { cat: AuditCatalogue; paths: CataloguePaths; priorities: Record<string, string>; quiet?: QuietWindow },
): Promise<Verdict[]> {
  const closing = await s.close().then(
    () => undefined,
    (err: unknown) => err,
  );
  const ev = await writeDetectionEvidence(w, s, { catalogue: recordedCatalogue(s, x.cat, x.paths), priorities: x.priorities, quiet: x.quiet });
  const verdicts = judgeDetection(ev);
  await w.verdicts(DETECTION, verdicts);
  if (closing !== undefined) throw new Error("the attack session did not close cleanly; its evidence and verdicts were recorded", { cause: closing });
  return verdicts;
}
