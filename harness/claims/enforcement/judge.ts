import { markerFollows } from "../../attack/marker-order.ts";
import type { AppPodState } from "../../attack/app-pod.ts";
import type { AppProbe } from "../../attack/app-probe.ts";
import { outcomeProblems, type AttemptRecord } from "../../attack/attempt.ts";
import type { Attack } from "../../attack/catalogue.ts";
import { clockSlackMs } from "../../attack/clock.ts";
import type { FalcoAlert } from "../../falco/alert.ts";
import type { RemovalProof } from "../../tetragon/enforcing.ts";
import { TETRAGON_EVENT_CACHE_MAX_DELAY_MS } from "../../tetragon/event-cache.ts";
import { sigkilledExits, type TetragonEvent } from "../../tetragon/event.ts";
import { barrierTime, judgeFalcoAttempt } from "../detection/alerts.ts";
import { SLACK_MS, type RunCatalogue } from "../detection/judge.ts";
import { APP } from "../../../clusters/names.ts";
import { verdict, type Verdict } from "../verdict.ts";
import { inKillWindow, judgeKill, killsInWindow, type KillJudgeOptions } from "./kill.ts";
import { LAYOUT } from "./layout.ts";
import type { ReplicaSamples } from "./replicas.ts";

export interface PhaseWindow {
  policy: string;
  enforcingFromMs: number;
  attacksEndMs: number;
  removedAtMs?: number;
  /**
   * How long after a spared attempt the suite watched for a late kill before
   * the re-check barrier (Tetragon's event cache can deliver an event after
   * a later marker; one barrier after the last spared attempt serves them
   * all). When set, a spare verdict needs that re-check; bundles without it
   * are judged on the barrier alone, as they were recorded.
   */
  recheckAfterMs?: number;
  /** Why the app was not probed in the phase (an audit target names no Service): T2's serving half is then inconclusive, not failed. */
  unprobed?: string;
  /**
   * The policy is the auditor's (an audit's --apply-policy), not the
   * project's: a kill of an entry the catalogue expects spared is a stricter
   * policy, stated as inconclusive, not a T1 failure. Absent in the suites.
   */
  auditorsPolicy?: boolean;
  /**
   * Why the app's answers cannot show T2's PID 1 and DB-identity parts (an
   * audited app whose answers carry no pid/db_user, the demo app's
   * contract): those parts are inconclusive, not failed. Absent in the suites.
   */
  answersUncontracted?: string;
  /** Every pod of the workload before and after the phase (an audit); absent: only the attacked pod was observed. */
  replicas?: ReplicaSamples;
}

export interface BarrierSeen {
  nonce: string;
  /** Harness clock when the marker exec started and returned (absent in older bundles). */
  requestedMs?: number;
  execEndMs?: number;
  seen: Record<string, number>;
}

/** The attempt-window slack both streams' markers prove (harness/attack/clock.ts), or SLACK_MS without timed markers. */
export function enforcementSlackMs(barriers: readonly BarrierSeen[]): number {
  return clockSlackMs(barriers, ["falco", "tetragon"], SLACK_MS);
}

/** A pod state as the enforcement suite records it; `at` is when it was observed (harness clock). */
export type ObservedPod = AppPodState & { at?: string };

export interface EnforcementEvidence {
  catalogue: RunCatalogue;
  priorities: Record<string, string>;
  podBefore: ObservedPod;
  podAfter?: ObservedPod;
  attempts: AttemptRecord[];
  alerts: FalcoAlert[];
  /** Falco internal event-drop alerts in the run (in alerts.jsonl): an absence of an alert is then unproven. */
  drops: number;
  events: TetragonEvent[];
  barriers: BarrierSeen[];
  probes: AppProbe[];
  phase: PhaseWindow;
  slackMs: number;
  /** Proof the policy was unloaded before the read after removal (absent in older bundles). */
  removal?: RemovalProof;
}

/** The mount the kills are judged on: the recorded catalogue's (an audit's target), or the kind stack's. Pure. */
export function mountPrefix(catalogue: Pick<RunCatalogue, "paths"> | undefined): string {
  return `${(catalogue?.paths?.mountPath ?? APP.mountPath).replace(/\/+$/, "")}/`;
}

function tetragonBarrier(ev: Pick<EnforcementEvidence, "barriers">, nonce: string | undefined): number | undefined {
  return nonce === undefined ? undefined : ev.barriers.find((b) => b.nonce === nonce)?.seen.tetragon;
}

/**
 * The kill judge's options for one attempt: the policy, and the attempt's
 * window bounded by the markers around it on Tetragon's clock, where
 * Tetragon delivered them (the one after it only when it follows the
 * attempt's end). The next attempt starts as soon as this attempt's marker
 * exec returns, closer than the clock slack may reach; but every event of
 * this attempt's process precedes its marker's exec in the kernel, and every
 * event of the next one follows it, and Tetragon stamps each event with its
 * kernel time converted to wall-clock time when it is sent, by the same
 * clocks (cilium/tetragon v1.7.0 pkg/ktime/ktime_linux.go:31-45, DecodeKtime;
 * for the exec, exit and kprobe events alike: pkg/grpc/exec/exec.go:287,479,
 * pkg/grpc/tracing/tracing.go:784; for one held in the event cache when it
 * leaves it: pkg/eventcache/eventcache.go:180). So two events keep their
 * kernel order unless the wall clock is stepped between their conversions;
 * delivery order plays no part.
 */
export function killOptions(ev: Pick<EnforcementEvidence, "phase" | "slackMs" | "barriers"> & { catalogue?: Pick<RunCatalogue, "paths"> }, at?: AttemptRecord): KillJudgeOptions {
  const o: KillJudgeOptions = { policy: ev.phase.policy, hook: "security_file_open", pathPrefix: mountPrefix(ev.catalogue), slackMs: ev.slackMs };
  if (!at) return o;
  const after = tetragonBarrier(ev, at.previousBarrier);
  const own = tetragonBarrier(ev, at.barrier);
  return { ...o, afterMs: after, beforeMs: markerFollows(own, at.endMs, ev.slackMs) ? own : undefined };
}

/**
 * Why the absence of a kill is not yet proven past Tetragon's event delay, or
 * undefined when it is (or the bundle predates the re-check). A Tetragon
 * marker proves the stream live, not that earlier events were delivered: the
 * event cache may hold an event back 15 retries × 2 s (harness/tetragon/event-cache.ts).
 * The re-check barrier may be shared by every spared attempt: it counts for
 * each one whose end it follows by the wait. Both times are this machine's
 * clock (the marker exec's start, the attempt's end), so no clock offset
 * enters: every event Tetragon sent before the marker was read before it.
 */
export function recheckProblem(ev: Pick<EnforcementEvidence, "phase" | "barriers">, at: AttemptRecord): string | undefined {
  const after = ev.phase.recheckAfterMs;
  if (after === undefined) return undefined;
  if (after < TETRAGON_EVENT_CACHE_MAX_DELAY_MS) {
    return `the re-check waited ${after} ms after the attempt, but Tetragon's event cache may hold a SIGKILL event back ${TETRAGON_EVENT_CACHE_MAX_DELAY_MS} ms (15 retries × 2 s)`;
  }
  const b = ev.barriers.find((x) => x.nonce === at.recheck);
  if (!b || b.seen.tetragon === undefined) return `no re-check barrier after the ${after} ms event-delay wait: a late SIGKILL event is not ruled out`;
  if (b.requestedMs === undefined || b.requestedMs < at.endMs + after) {
    return `the re-check barrier ran ${b.requestedMs === undefined ? "at an unrecorded time" : `${b.requestedMs - at.endMs} ms`} after the attempt, before the ${after} ms event-delay wait had passed`;
  }
  return undefined;
}

/** Kill events of the policy, or SIGKILL exits of the pod, in an attempt's window: none may exist for a spared attempt. */
export function spareKills(at: AttemptRecord, ev: Pick<EnforcementEvidence, "events" | "phase" | "slackMs" | "barriers">): number {
  const o = killOptions(ev, at);
  const exits = sigkilledExits(ev.events, at.pod, at.startMs - ev.slackMs, at.endMs + ev.slackMs).filter((e) => inKillWindow(e.timeMs, at, o));
  return killsInWindow(at, ev.events, o).length + exits.length;
}

/** Why an entry has no attempt: the run's reason when it chose not to run it (an audit: a binary the image lacks). Pure. */
function notAttempted(a: Attack, ev: Pick<EnforcementEvidence, "catalogue">): string {
  const why = ev.catalogue.notRun?.[a.id];
  return `${a.id} was not attempted under enforcement${why ? `: ${why}` : ""}`;
}

/** T1 for one method: the declared exit and output, and a proven kill (or, for `spare`, none). */
export function judgeT1(a: Attack, at: AttemptRecord | undefined, ev: EnforcementEvidence): Verdict {
  if (!at) return verdict("T1", "inconclusive", [notAttempted(a, ev)], [], { subject: a.id });
  const out = outcomeProblems(at, a.enforcement);
  const k = judgeKill(at, ev.events, killOptions(ev, at));
  const reasons = [out.length ? `outcome: ${out.join("; ")}` : `outcome: exit ${at.exitCode}, ${at.stdoutBytes} bytes of stdout, as declared`];
  let ok: boolean | "inconclusive" = out.length === 0;
  if (a.enforcement.tetragon === "kill") {
    ok = ok && k.killed;
    reasons.push(...k.reasons);
    if (k.timeToKillMs !== undefined) reasons.push(`time to kill: ${Math.round(k.timeToKillMs)} ms from attempt start to exit`);
  } else {
    const anyKill = spareKills(at, ev);
    const b = tetragonBarrier(ev, at.barrier);
    const late = recheckProblem(ev, at);
    if (anyKill && ev.phase.auditorsPolicy) {
      ok = "inconclusive";
      reasons.push(`the applied policy is stricter than the project's: it killed ${a.id}, which the catalogue expects spared`);
    } else if (anyKill) {
      ok = false;
      reasons.push("the catalogue says Tetragon spares this attempt, but a SIGKILL was recorded");
    } else if (!markerFollows(b, at.endMs, ev.slackMs)) {
      if (ok) ok = "inconclusive";
      reasons.push("no Tetragon barrier after the attempt: absence of a kill is not proven");
    } else if (late) {
      if (ok) ok = "inconclusive";
      reasons.push(late);
    } else reasons.push(ev.phase.recheckAfterMs === undefined ? "spared, as declared: no SIGKILL event up to the barrier" : `spared, as declared: no SIGKILL event up to the re-check ${ev.phase.recheckAfterMs} ms after the attempt`);
  }
  return verdict("T1", ok, reasons, [LAYOUT.attempts, LAYOUT.events], { subject: a.id });
}

/** T3 for a killed method: Falco still raised the alerts the catalogue declares. */
export function judgeT3(a: Attack, at: AttemptRecord | undefined, ev: EnforcementEvidence): Verdict {
  if (!at) return verdict("T3", "inconclusive", [notAttempted(a, ev)], [], { subject: a.id });
  const f = judgeFalcoAttempt(at, a.falco, ev.alerts, barrierTime(ev.alerts, at.barrier, at.pod), { slackMs: ev.slackMs, priorities: ev.priorities, drops: ev.drops });
  return verdict("T3", f.ok, f.reasons, [LAYOUT.alerts], { subject: a.id });
}

/**
 * What the removal proof says about the judged read after removal: a canary
 * read succeeded after the agent unlisted the policy and before the judged
 * read started (harness/tetragon/enforcing.ts waitRemoved). Bundles recorded
 * before the proof existed have none and are judged without it.
 */
function removalProblem(removal: RemovalProof | undefined, at: AttemptRecord): { problem?: string; fact?: string } {
  if (!removal) return {};
  const last = removal.canaries.at(-1);
  const killed = removal.canaries.filter((c) => c.exitCode === 137).length;
  if (!last || last.exitCode !== 0 || last.stdoutBytes === 0) return { problem: `no canary read succeeded after the policy was unlisted (last: ${last ? `exit ${last.exitCode}` : "none"})` };
  if (removal.provenAtMs > at.startMs) return { problem: `the canary read that proved the policy unloaded ended ${Math.round(removal.provenAtMs - at.startMs)} ms after the judged read started` };
  const after = killed ? `, after ${killed} canary read(s) still killed once it was unlisted` : "";
  return { fact: `a canary read succeeded ${Math.round(removal.provenAtMs - removal.unlistedAtMs)} ms after the agent unlisted the policy${after}, before the judged read` };
}

/** T1's negative control: after the policy is removed (and proven unloaded), a read succeeds again with no kill. */
export function judgeRestored(a: Attack | undefined, at: AttemptRecord | undefined, ev: EnforcementEvidence): Verdict {
  if (!a || !at) return verdict("T1", "inconclusive", ["no read was attempted after the policy was removed"], [], { subject: "restored-after-removal" });
  const out = outcomeProblems(at, a.detection);
  const k = judgeKill(at, ev.events, killOptions(ev, at));
  const r = removalProblem(ev.removal, at);
  const ok = out.length === 0 && !k.killed && !r.problem;
  const reasons = ok
    ? [`\`${at.command.join(" ")}\` succeeded again after the policy was removed (exit 0, credential read, no kill)`, ...(r.fact ? [r.fact] : [])]
    : [...out, ...(k.killed ? k.reasons : []), ...(r.problem ? [r.problem] : [])];
  return verdict("T1", ok, reasons, [LAYOUT.attempts, LAYOUT.events, LAYOUT.policyRemoved], { subject: "restored-after-removal" });
}

/** Per killed method: harness round trip, and kill timing from Tetragon's events (time-to-kill.json, for reading). */
export function timeToKill(ev: EnforcementEvidence): object[] {
  return ev.attempts
    .filter((a) => a.phase === "enforcement")
    .map((a) => {
      const k = judgeKill(a, ev.events, killOptions(ev, a));
      return { attack: a.attack, exitCode: a.exitCode, attemptMs: a.endMs - a.startMs, killed: k.killed, startToExitMs: k.timeToKillMs, execToDeathMs: k.execToDeathMs };
    });
}
