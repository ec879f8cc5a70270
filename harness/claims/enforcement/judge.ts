import type { AppPodState } from "../../attack/app-pod.ts";
import type { AppProbe } from "../../attack/app-probe.ts";
import { outcomeProblems, type AttemptRecord } from "../../attack/attempt.ts";
import type { Attack } from "../../attack/catalogue.ts";
import { clockSlackMs } from "../../attack/clock.ts";
import { parseFalcoStream, type FalcoAlert } from "../../falco/alert.ts";
import { TETRAGON_EVENT_CACHE_MAX_DELAY_MS } from "../../tetragon/event-cache.ts";
import { parseTetragonStream, type TetragonEvent } from "../../tetragon/event.ts";
import { jsonl, type RunCatalogue } from "../detection/judge.ts";
import { judgeAppReads, judgeT2 } from "./app.ts";
import { enforcementMatrix } from "./matrix.ts";
import { barrierTime, judgeFalcoAttempt } from "../detection/alerts.ts";
import type { BundleView, ClaimFamily } from "../registry.ts";
import { judgeKill, killsInWindow, sigkilledExits, type KillJudgeOptions } from "./kill.ts";
import { verdict, type Verdict } from "../verdict.ts";

/**
 * Evidence layout of the enforcement suite (T1, T2, T3), inside the run directory:
 *
 *   enforcement/catalogue.json        the catalogue entries as run, and the environment
 *   enforcement/rules.json            Falco rule name -> JSON priority
 *   enforcement/policy.yaml           the TracingPolicyNamespaced as applied
 *   enforcement/policy-status.json    proof it was enforcing: canary reads up to the first kill, tetra's status
 *   enforcement/pod-before.json       the app pod before the policy (uid, restartCount, container id)
 *   enforcement/pod-after.json        the same pod after the policy was removed
 *   enforcement/attempts.jsonl        every attempt (phase "enforcement", then "restored"), output redacted
 *   enforcement/falco-alerts.jsonl    raw Falco JSON lines of our rules (and Falco internal alerts)
 *   enforcement/tetragon-events.jsonl raw Tetragon JSON events of the app namespace
 *   enforcement/barriers.json         marker barriers across both streams
 *   enforcement/app-probes.jsonl      every request to the app during the suite
 *   enforcement/phase.json            when the policy was proven enforcing, when attacks ended, when it was removed
 *   enforcement/time-to-kill.json     per method: attempt start to exit, kill event timing (derived, for reading)
 *   matrix/enforcement/<id>.json      one attack-matrix row per catalogue entry, derived from the above (enforcement-matrix.ts)
 *   verdicts/enforcement.json         the verdicts, as judgeEnforcement computes them from the above
 */
const D = "enforcement";
export const ENF_FILES = {
  catalogue: `${D}/catalogue.json`,
  rules: `${D}/rules.json`,
  policy: `${D}/policy.yaml`,
  policyStatus: `${D}/policy-status.json`,
  podBefore: `${D}/pod-before.json`,
  podAfter: `${D}/pod-after.json`,
  attempts: `${D}/attempts.jsonl`,
  alerts: `${D}/falco-alerts.jsonl`,
  falcoStream: `${D}/falco-stream.json`,
  events: `${D}/tetragon-events.jsonl`,
  tetragonStream: `${D}/tetragon-stream.json`,
  barriers: `${D}/barriers.json`,
  probes: `${D}/app-probes.jsonl`,
  phase: `${D}/phase.json`,
  timeToKill: `${D}/time-to-kill.json`,
} as const;

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
}

export interface BarrierSeen {
  nonce: string;
  /** Harness clock when the marker exec started and returned (absent in older bundles). */
  requestedMs?: number;
  execEndMs?: number;
  seen: Record<string, number>;
}

/** The slack of bundles recorded before barriers kept their exec end; newer ones measure it. */
export const ENF_SLACK_MS = 50;

/** The attempt-window slack both streams' markers prove (harness/attack/clock.ts), or ENF_SLACK_MS without timed markers. */
export function enforcementSlackMs(barriers: readonly BarrierSeen[]): number {
  return clockSlackMs(barriers, ["falco", "tetragon"], ENF_SLACK_MS);
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
  events: TetragonEvent[];
  barriers: BarrierSeen[];
  probes: AppProbe[];
  phase: PhaseWindow;
  slackMs: number;
}

export function killOptions(ev: Pick<EnforcementEvidence, "phase" | "slackMs">): KillJudgeOptions {
  return { policy: ev.phase.policy, hook: "security_file_open", pathPrefix: "/mnt/secrets/", slackMs: ev.slackMs };
}

function tetragonBarrier(ev: EnforcementEvidence, nonce: string | undefined): number | undefined {
  return ev.barriers.find((b) => b.nonce === nonce)?.seen.tetragon;
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
export function spareKills(at: AttemptRecord, ev: Pick<EnforcementEvidence, "events" | "phase" | "slackMs">): number {
  return killsInWindow(at, ev.events, killOptions(ev)).length + sigkilledExits(ev.events, at.pod, at.startMs - ev.slackMs, at.endMs + ev.slackMs).length;
}

/** T1 for one method: the declared exit and output, and a proven kill (or, for `spare`, none). */
export function judgeT1(a: Attack, at: AttemptRecord | undefined, ev: EnforcementEvidence): Verdict {
  if (!at) return verdict("T1", "inconclusive", [`${a.id} was not attempted under enforcement`], [], { subject: a.id });
  const out = outcomeProblems(at, a.enforcement);
  const k = judgeKill(at, ev.events, killOptions(ev));
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
    if (anyKill) {
      ok = false;
      reasons.push("the catalogue says Tetragon spares this attempt, but a SIGKILL was recorded");
    } else if (b === undefined || b < at.endMs) {
      if (ok) ok = "inconclusive";
      reasons.push("no Tetragon barrier after the attempt: absence of a kill is not proven");
    } else if (late) {
      if (ok) ok = "inconclusive";
      reasons.push(late);
    } else reasons.push(ev.phase.recheckAfterMs === undefined ? "spared, as declared: no SIGKILL event up to the barrier" : `spared, as declared: no SIGKILL event up to the re-check ${ev.phase.recheckAfterMs} ms after the attempt`);
  }
  return verdict("T1", ok, reasons, [ENF_FILES.attempts, ENF_FILES.events], { subject: a.id });
}

/** T3 for a killed method: Falco still raised the alerts the catalogue declares. */
export function judgeT3(a: Attack, at: AttemptRecord | undefined, ev: EnforcementEvidence): Verdict {
  if (!at) return verdict("T3", "inconclusive", [`${a.id} was not attempted under enforcement`], [], { subject: a.id });
  const f = judgeFalcoAttempt(at, a.falco, ev.alerts, barrierTime(ev.alerts, at.barrier), { slackMs: ev.slackMs, priorities: ev.priorities });
  return verdict("T3", f.ok, f.reasons, [ENF_FILES.alerts], { subject: a.id });
}

/** T1's negative control: after the policy is removed, a read succeeds again with no kill. */
export function judgeRestored(a: Attack | undefined, at: AttemptRecord | undefined, ev: EnforcementEvidence): Verdict {
  if (!a || !at) return verdict("T1", "inconclusive", ["no read was attempted after the policy was removed"], [], { subject: "restored-after-removal" });
  const out = outcomeProblems(at, a.detection);
  const k = judgeKill(at, ev.events, killOptions(ev));
  const ok = out.length === 0 && !k.killed;
  const reasons = ok ? [`\`${at.command.join(" ")}\` succeeded again after the policy was removed (exit 0, credential read, no kill)`] : [...out, ...(k.killed ? k.reasons : [])];
  return verdict("T1", ok, reasons, [ENF_FILES.attempts, ENF_FILES.events], { subject: "restored-after-removal" });
}

export function judgeEnforcement(ev: EnforcementEvidence): Verdict[] {
  const enforced = new Map(ev.attempts.filter((x) => x.phase === "enforcement").map((x) => [x.attack, x]));
  const restored = ev.attempts.find((x) => x.phase === "restored");
  const out: Verdict[] = [];
  for (const a of ev.catalogue.attacks) out.push(judgeT1(a, enforced.get(a.id), ev));
  out.push(judgeAppReads(ev));
  out.push(judgeRestored(ev.catalogue.attacks.find((a) => a.id === restored?.attack), restored, ev));
  out.push(judgeT2(ev));
  for (const a of ev.catalogue.attacks.filter((x) => x.enforcement.tetragon === "kill")) out.push(judgeT3(a, enforced.get(a.id), ev));
  return out;
}

export function loadEnforcementEvidence(b: BundleView): EnforcementEvidence {
  const catalogue = b.json<RunCatalogue>(ENF_FILES.catalogue);
  const podBefore = b.json<ObservedPod>(ENF_FILES.podBefore);
  const barriers = b.json<BarrierSeen[]>(ENF_FILES.barriers);
  return {
    catalogue,
    priorities: b.json<Record<string, string>>(ENF_FILES.rules),
    podBefore,
    podAfter: b.has(ENF_FILES.podAfter) ? b.json<ObservedPod>(ENF_FILES.podAfter) : undefined,
    attempts: jsonl<AttemptRecord>(b.text(ENF_FILES.attempts)),
    alerts: parseFalcoStream(b.text(ENF_FILES.alerts)).alerts,
    events: parseTetragonStream(b.text(ENF_FILES.events), podBefore.namespace).events,
    barriers,
    probes: b.has(ENF_FILES.probes) ? jsonl<AppProbe>(b.text(ENF_FILES.probes)) : [],
    phase: b.json<PhaseWindow>(ENF_FILES.phase),
    slackMs: enforcementSlackMs(barriers),
  };
}

export const enforcementFamily: ClaimFamily = {
  id: "enforcement",
  claims: ["T1", "T2", "T3"],
  rejudge: (bundle) => judgeEnforcement(loadEnforcementEvidence(bundle)),
  matrix: (bundle) => enforcementMatrix(loadEnforcementEvidence(bundle)),
};
