import type { AppProbe } from "../../attack/app-probe.ts";
import { judgeServing } from "../dynamic/serving.ts";
import type { AppSample, PodSample } from "../dynamic/types.ts";
import { sigkilledExits } from "../../tetragon/event.ts";
import { verdict, worst, type Verdict, type VerdictValue } from "../verdict.ts";
import type { EnforcementEvidence, ObservedPod, PhaseWindow } from "./judge.ts";
import { LAYOUT } from "./layout.ts";
import { replicaFact, replicaProblems } from "./replicas.ts";

/** The enforcing phase: from the proof of the first kill to the policy's removal (or the attacks' end). */
function enforcingWindow(phase: PhaseWindow): { from: number; to: number } {
  return { from: phase.enforcingFromMs, to: phase.removedAtMs ?? phase.attacksEndMs };
}

/**
 * Why there is no enforcing window to judge the app in: the suite never
 * proved the policy enforcing (its check refused, e.g. a policy in monitor
 * mode), so the phase's times stayed unset. Undefined when there is one.
 */
function noEnforcingWindow(phase: PhaseWindow): string | undefined {
  return phase.enforcingFromMs > 0 ? undefined : "the policy was never proven enforcing, so there is no enforcing phase to judge the app in";
}

/** An app probe as the serving judge reads it; the time comes from `ms`, which `at` only spells out. */
function probeSample(p: AppProbe): AppSample {
  return { at: new Date(p.ms).toISOString(), status: p.status, identity: p.dbUser, durationMs: p.durationMs, error: p.error };
}

/**
 * The pod before and after the phase, as pod samples. A state recorded
 * without `at` is placed where the suite takes it: before the policy is
 * applied (the phase start), and after the phase (its end).
 */
function podSamples(before: ObservedPod, after: ObservedPod | undefined, w: { from: number; to: number }): PodSample[] {
  const sample = (p: ObservedPod, ms: number): PodSample => ({ at: p.at ?? new Date(ms).toISOString(), name: p.name, uid: p.uid, restartCount: p.restartCount });
  return after ? [sample(before, w.from), sample(after, w.to)] : [sample(before, w.from)];
}

/**
 * The restart half of T2: the container did not restart during the phase
 * (restartCount after equals before). A restart before the phase (a reused
 * cluster) is no harm done by the policy: it is reported, not failed.
 */
export function restartCheck(before: Pick<ObservedPod, "restartCount">, after: Pick<ObservedPod, "restartCount"> | undefined): { problem?: string; fact: string } {
  const earlier = before.restartCount ? ` (${before.restartCount} restart(s) before the phase, not caused by it)` : "";
  if (!after) return { problem: "the pod was not observed after the phase", fact: "" };
  if (after.restartCount !== before.restartCount) {
    return { problem: `restartCount ${before.restartCount} -> ${after.restartCount}: the app container restarted during the phase${earlier}`, fact: "" };
  }
  return { fact: `restartCount ${before.restartCount} unchanged${earlier}` };
}

const NO_REQUEST = "no request reached the app while the policy was enforcing";

/** What only T2 asks beyond "the app served throughout": answers from PID 1, no kill of PID 1, no restart during the phase. */
function t2Problems(ev: EnforcementEvidence, probes: readonly AppProbe[], w: { from: number; to: number }): string[] {
  const problems: string[] = [];
  // An answer without a pid (an audited app outside the demo app's contract) is not counted against PID 1: that part is not shown.
  const notPid1 = probes.filter((p) => p.status === 200 && p.pid !== 1 && !(ev.phase.answersUncontracted !== undefined && p.pid === undefined));
  const appKills = sigkilledExits(ev.events, ev.podBefore, w.from, w.to).filter((e) => e.process.pod?.container?.pid === 1);
  if (probes.length === 0) problems.push(NO_REQUEST);
  if (notPid1.length) problems.push(`${notPid1.length} answers came from a process other than PID 1`);
  if (appKills.length) problems.push(`Tetragon killed the app's PID 1 at ${appKills[0]?.time}`);
  const r = restartCheck(ev.podBefore, ev.podAfter);
  if (r.problem) problems.push(r.problem);
  return [...problems, ...replicaProblems(ev.phase.replicas)];
}

/**
 * T2 without a Service to probe (an audit target that names none): the pods
 * are judged (no restart, no replacement, no kill of PID 1), the serving half
 * cannot be shown, so at best inconclusive, saying why.
 */
function judgeUnprobedT2(ev: EnforcementEvidence, unprobed: string, w: { from: number; to: number }): Verdict {
  const problems = t2Problems(ev, [], w).filter((p) => p !== NO_REQUEST);
  const facts = [restartCheck(ev.podBefore, ev.podAfter).fact, replicaFact(ev.phase.replicas)].filter(Boolean).join("; ");
  const reasons = problems.length ? problems : [`the app's answers were not observed: ${unprobed}; what was shown: ${facts}, and Tetragon killed no PID 1 of pod ${ev.podBefore.name}`];
  return verdict("T2", problems.length ? false : "inconclusive", reasons, [LAYOUT.podBefore, LAYOUT.podAfter, LAYOUT.events], { subject: "app-unharmed" });
}

/**
 * T2 for an audited app whose answers carry no pid/db_user: every answer
 * 200, no kill of PID 1, no restart, no pod gone or replaced, or it fails;
 * the PID 1 and two-identity parts are not shown, so at best inconclusive.
 */
function judgeUncontractedT2(ev: EnforcementEvidence, why: string, probes: readonly AppProbe[], w: { from: number; to: number }): Verdict {
  const bad = probes.filter((p) => p.status !== 200);
  const problems = [...(bad.length ? [`${bad.length} of ${probes.length} answers were not 200`] : []), ...t2Problems(ev, probes, w)];
  const facts = [restartCheck(ev.podBefore, ev.podAfter).fact, replicaFact(ev.phase.replicas)].filter(Boolean).join("; ");
  const shown = `all ${probes.length} answers were 200, Tetragon killed no PID 1 of pod ${ev.podBefore.name}, ${facts}`;
  const reasons = problems.length ? problems : [`${why}: whether every answer came from PID 1 and two DB identities rotated through is not shown; ${shown}`];
  return verdict("T2", problems.length ? false : "inconclusive", reasons, [LAYOUT.probes, LAYOUT.podBefore, LAYOUT.podAfter, LAYOUT.events], { subject: "app-unharmed" });
}

/**
 * T2: throughout the enforcing phase the app served (judgeServing: every
 * response 200 with a dynamic identity, the pod neither replaced nor
 * restarted, pod samples before and after), at least two identities rotated
 * through, every answer came from PID 1, Tetragon never killed PID 1, and
 * restartCount did not change (restartCheck).
 */
export function judgeT2(ev: EnforcementEvidence): Verdict {
  const none = noEnforcingWindow(ev.phase);
  if (none) return verdict("T2", "inconclusive", [none], [LAYOUT.probes], { subject: "app-unharmed" });
  const w = enforcingWindow(ev.phase);
  if (ev.phase.unprobed !== undefined) return judgeUnprobedT2(ev, ev.phase.unprobed, w);
  const probes = ev.probes.filter((p) => p.ms >= w.from && p.ms <= w.to);
  if (ev.phase.answersUncontracted !== undefined) return judgeUncontractedT2(ev, ev.phase.answersUncontracted, probes, w);
  const s = judgeServing(probes.map(probeSample), podSamples(ev.podBefore, ev.podAfter, w));
  const problems = t2Problems(ev, probes, w);
  const n = s.identities.length;
  if (n < 2) problems.push(`the app reported ${n} DB identit${n === 1 ? "y" : "ies"}: rotation was not observed under enforcement`);
  const value: VerdictValue = problems.length ? "fail" : s.verdict;
  const replicas = replicaFact(ev.phase.replicas);
  const facts = problems.length ? [] : [`every answer came from PID 1; ${n} DB identities: ${s.identities.join(" → ")}; ${restartCheck(ev.podBefore, ev.podAfter).fact}${replicas ? `; ${replicas}` : ""}`];
  const v = worst([value, s.verdict]);
  return verdict("T2", v === "inconclusive" ? v : v === "pass", [...problems, ...s.reasons, ...facts], [LAYOUT.probes, LAYOUT.podBefore, LAYOUT.podAfter], { subject: "app-unharmed" });
}

/** T1's other negative control: the policy spares the app's own reads (PID 1) throughout. */
export function judgeAppReads(ev: EnforcementEvidence): Verdict {
  const none = noEnforcingWindow(ev.phase);
  if (none) return verdict("T1", "inconclusive", [none], [LAYOUT.probes], { subject: "app-own-reads-succeed" });
  const unprobed = ev.phase.unprobed;
  if (unprobed !== undefined) return verdict("T1", "inconclusive", [`the app's own reads were not observed: ${unprobed}`], [LAYOUT.probes], { subject: "app-own-reads-succeed" });
  const w = enforcingWindow(ev.phase);
  const probes = ev.probes.filter((p) => p.ms >= w.from && p.ms <= w.to);
  const ok = probes.length > 0 && probes.every((p) => p.status === 200);
  const reasons = ok
    ? [`all ${probes.length} app requests under enforcement read both secret files and answered 200`]
    : [`${probes.filter((p) => p.status !== 200).length} of ${probes.length} app requests under enforcement failed`];
  return verdict("T1", ok, reasons, [LAYOUT.probes], { subject: "app-own-reads-succeed" });
}
