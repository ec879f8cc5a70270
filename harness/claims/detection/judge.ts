import { markerFollows } from "../../attack/marker-order.ts";
import type { AppProbe } from "../../attack/app-probe.ts";
import { outcomeProblems, type AttemptRecord, type PodIdentity } from "../../attack/attempt.ts";
import type { Attack } from "../../attack/catalogue.ts";
import { clockSlackMs, type MarkerTiming } from "../../attack/clock.ts";
import { loginProblems, type LoginProof } from "../../attack/login.ts";
import { fromPod, type FalcoAlert } from "../../falco/alert.ts";
import { jsonl } from "../registry.ts";
import type { RunCatalogue } from "./run-catalogue.ts";
import { verdict, type ClaimId, type Verdict } from "../verdict.ts";
import { READ_RULE, barrierTime, inAttemptWindow, judgeFalcoAttempt, type FalcoJudgeOptions } from "./alerts.ts";
import { LAYOUT } from "./layout.ts";

export interface QuietWindow {
  startMs: number;
  endMs: number;
  barrier?: string;
  /** The last barrier before the window: only alerts after its marker count (inAttemptWindow; absent in older bundles). */
  previousBarrier?: string;
  /** Why the app was not probed in the window (an audit target names no Service): no served request is then inconclusive, not a failure. */
  unprobed?: string;
}

export type { RunCatalogue };

export interface DetectionEvidence {
  catalogue: RunCatalogue;
  priorities: Record<string, string>;
  pod: PodIdentity;
  attempts: AttemptRecord[];
  alerts: FalcoAlert[];
  /** Falco internal event-drop alerts in the run. */
  drops: number;
  probes: AppProbe[];
  quiet?: QuietWindow;
  login?: LoginProof;
  slackMs: number;
}

/** The slack of bundles recorded before barriers kept their exec end; newer ones measure it (detectionSlackMs). */
export const SLACK_MS = 50;

/** The attempt-window slack the run's Falco markers prove (harness/attack/clock.ts), or SLACK_MS without timed markers. */
export function detectionSlackMs(barriers: readonly MarkerTiming[]): number {
  return clockSlackMs(barriers, ["falco"], SLACK_MS);
}

function claimOf(a: Attack, prefer: ClaimId[]): ClaimId {
  return prefer.find((c) => a.claims.includes(c)) ?? (a.claims[0] as ClaimId);
}

/** F1/F2 verdict of one attempt: its outcome and the Falco alerts the catalogue declares. */
export function judgeDetectionAttempt(a: Attack, attempt: AttemptRecord | undefined, ev: Pick<DetectionEvidence, "alerts" | "drops" | "priorities" | "slackMs">, notRun?: string): Verdict {
  const claim = claimOf(a, ["F1", "F2"]);
  if (!attempt) return verdict(claim, "inconclusive", [`${a.id} was not attempted${notRun ? `: ${notRun}` : ""}`], [], { subject: a.id });
  const opts: FalcoJudgeOptions = { slackMs: ev.slackMs, priorities: ev.priorities, drops: ev.drops };
  const out = outcomeProblems(attempt, a.detection);
  const f = judgeFalcoAttempt(attempt, a.falco, ev.alerts, barrierTime(ev.alerts, attempt.barrier, attempt.pod), opts);
  const ok = out.length ? false : f.ok;
  const reasons = [
    out.length ? `outcome: ${out.join("; ")}` : `outcome: exit ${attempt.exitCode}, ${attempt.stdoutBytes} bytes of stdout, as declared`,
    ...f.reasons,
  ];
  return verdict(claim, ok, reasons, [LAYOUT.attempts, LAYOUT.alerts], { subject: a.id });
}

/**
 * The negative control: the app's own reads raise no READ alert. No READ alert
 * in the run may come from the app process (PID 1 / `python app.py`), and the
 * quiet window (app traffic, no attack) must hold answered requests and no
 * READ alert from the pod at all, settled by a barrier.
 */
export function judgeAppQuiet(ev: DetectionEvidence): Verdict {
  const reasons: string[] = [];
  const reads = ev.alerts.filter((x) => x.rule === READ_RULE && fromPod(x, ev.pod));
  const byApp = reads.filter((x) => x.fields["proc.vpid"] === 1 || String(x.fields["proc.cmdline"] ?? "").startsWith("python app.py"));
  let ok: boolean | "inconclusive" = byApp.length === 0;
  if (byApp.length) reasons.push(`${byApp.length} READ alert(s) from the app itself (first at ${byApp[0]?.time})`);
  const q = ev.quiet;
  if (!q) return verdict("F1", false, [...reasons, "no quiet window was recorded"], [LAYOUT.quiet], { subject: "app-own-reads" });
  const served = ev.probes.filter((p) => p.ms >= q.startMs && p.ms <= q.endMs && p.status === 200).length;
  const b = barrierTime(ev.alerts, q.barrier, ev.pod);
  const inQuiet = reads.filter((x) => inAttemptWindow(x, q, ev.slackMs, barrierTime(ev.alerts, q.previousBarrier, ev.pod), markerFollows(b, q.endMs, ev.slackMs) ? b : undefined));
  if (served === 0 && q.unprobed) {
    if (ok === true) ok = "inconclusive";
    reasons.push(`the app was not probed in the quiet window (${q.unprobed}), so its own reads are not shown`);
  } else if (served === 0) {
    ok = false;
    reasons.push("the app answered no request in the quiet window, so it read nothing");
  } else reasons.push(`the app served ${served} request(s) in the quiet window, each reading both secret files`);
  if (inQuiet.length) {
    ok = false;
    reasons.push(`${inQuiet.length} READ alert(s) in the quiet window: ${inQuiet.map((x) => `\`${String(x.fields["proc.cmdline"])}\``).join(", ")}`);
  } else if (!markerFollows(b, q.endMs, ev.slackMs)) {
    if (ok === true) ok = "inconclusive";
    reasons.push("no barrier after the quiet window: absence of alerts is not proven");
  } else if (ev.drops > 0) {
    if (ok === true) ok = "inconclusive";
    reasons.push(`no READ alert in the quiet window, but Falco reported ${ev.drops} event drop alert(s) in the run: absence of alerts is not proven`);
  } else reasons.push("no READ alert in the quiet window, settled by a barrier");
  return verdict("F1", ok, reasons, [LAYOUT.alerts, LAYOUT.probes, LAYOUT.quiet], { subject: "app-own-reads" });
}

export function judgeLogin(login: LoginProof | undefined): Verdict {
  if (!login) return verdict("F1", "inconclusive", ["no stolen credential was tried against Postgres"], [LAYOUT.login], { subject: "stolen-credential-login" });
  const p = loginProblems(login);
  const user = login.attempts.find((x) => x.ok)?.user;
  const reasons = p.length ? p : [`the password ${login.attack} read logged in to Postgres as ${user}; a wrong password for the same user was refused`];
  return verdict("F1", p.length === 0, reasons, [LAYOUT.login], { subject: "stolen-credential-login" });
}

/** Every F1/F2 verdict from the suite's evidence. */
export function judgeDetection(ev: DetectionEvidence): Verdict[] {
  const byAttack = new Map(ev.attempts.filter((x) => x.phase === "detection").map((x) => [x.attack, x]));
  return [
    ...ev.catalogue.attacks.map((a) => judgeDetectionAttempt(a, byAttack.get(a.id), ev, ev.catalogue.notRun?.[a.id])),
    judgeAppQuiet(ev),
    judgeLogin(ev.login),
  ];
}

/**
 * Catalogue entries phase 1 never attempted, from its recorded attempts
 * (detection/attempts.jsonl). Phase 2 starts only when this is empty: each
 * matrix row needs both phases.
 */
export function missingDetectionAttempts(attackIds: readonly string[], attemptsJsonl: string): string[] {
  const ran = new Set(jsonl<AttemptRecord>(attemptsJsonl).filter((x) => x.phase === "detection").map((x) => x.attack));
  return attackIds.filter((id) => !ran.has(id));
}
