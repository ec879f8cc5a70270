import { markerFollows } from "../../attack/marker-order.ts";
import type { ExpectedAlert, FalcoExpectation } from "../../attack/catalogue.ts";
import { normaliseCmdline, type AttemptRecord, type PodIdentity } from "../../attack/attempt.ts";
import { fromPod, isMarker, type FalcoAlert } from "../../falco/alert.ts";

/**
 * The Falco judge: pure. It attributes alerts to attempts by pod (name or
 * container id), the attempt's time window and the expected process, and
 * checks rule, priority and output fields. An alert outside an attempt's
 * window never counts for it, so a stale alert cannot satisfy a later attempt.
 */
export const READ_RULE = "SecretProof - Secret File Read";

export interface FalcoJudgeOptions {
  /** Allowed clock difference between the harness and the node, each side of the window. */
  slackMs: number;
  /** Rule name -> priority as Falco's JSON spells it ("Critical"). */
  priorities: Readonly<Record<string, string>>;
  /** Falco internal "syscall event drop" alerts seen in the run: a missing alert is then inconclusive. */
  drops?: number;
}

export interface FalcoResult {
  ok: boolean | "inconclusive";
  reasons: string[];
  matched: FalcoAlert[];
}

/** Repository part of an image reference: no tag, no digest. */
export function imageRepository(image: string): string {
  const noDigest = image.split("@")[0] as string;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

function inWindow(a: FalcoAlert, startMs: number, endMs: number, slackMs: number): boolean {
  return a.timeMs >= startMs - slackMs && a.timeMs <= endMs + slackMs;
}

/**
 * Whether an alert can belong to the attempt: inside its window widened by
 * the clock slack, later than the marker of the barrier run before it
 * (`previousMarkerMs`, Falco's own event time), and earlier than the marker
 * run right after it (`ownMarkerMs`). The slack can reach back past the
 * first marker to a process that had exited before the marker exec started
 * (the stolen-credential login's python3), or forward past the second to the
 * next attempt, which starts as soon as that marker exec returns; but every
 * event of a process that exited before a marker exec started is older than
 * the marker on Falco's clock, and every event of one started after it
 * returned is newer: event times are one boot-time clock plus a base fixed
 * when Falco starts (falcosecurity/libs 0.25.4
 * userspace/libscap/engine/modern_bpf/scap_modern_bpf.c:271-276). So both
 * bounds are exact, not a guess.
 */
export function inAttemptWindow(
  a: FalcoAlert,
  at: Pick<AttemptRecord, "startMs" | "endMs">,
  slackMs: number,
  previousMarkerMs: number | undefined,
  ownMarkerMs?: number,
): boolean {
  return inWindow(a, at.startMs, at.endMs, slackMs) && (previousMarkerMs === undefined || a.timeMs > previousMarkerMs) && (ownMarkerMs === undefined || a.timeMs < ownMarkerMs);
}

/** The time of the marker alert carrying `nonce`, if it arrived (from `pod` only, when given). */
export function barrierTime(alerts: readonly FalcoAlert[], nonce: string | undefined, pod?: PodIdentity): number | undefined {
  if (!nonce) return undefined;
  const m = alerts.find((a) => isMarker(a, nonce) && (!pod || fromPod(a, pod)));
  return m?.timeMs;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** What is wrong with an alert's priority and context fields, compared with the pod it came from. */
function alertFieldProblems(a: FalcoAlert, pod: PodIdentity, priority: string | undefined): string[] {
  const f = a.fields;
  const p: string[] = [];
  if (priority && a.priority !== priority) p.push(`priority ${a.priority}, expected ${priority}`);
  for (const k of ["user.name", "proc.name", "proc.cmdline"]) if (!str(f[k])) p.push(`${k} missing`);
  if (f["k8s.pod.name"] !== pod.name) p.push(`k8s.pod.name ${JSON.stringify(f["k8s.pod.name"])}, expected ${pod.name}`);
  if (f["k8s.ns.name"] !== pod.namespace) p.push(`k8s.ns.name ${JSON.stringify(f["k8s.ns.name"])}, expected ${pod.namespace}`);
  if (f["container.id"] !== pod.containerId.slice(0, 12)) p.push(`container.id ${JSON.stringify(f["container.id"])}, expected ${pod.containerId.slice(0, 12)}`);
  const repo = str(f["container.image.repository"]);
  const want = imageRepository(pod.image);
  if (!repo || !(repo === want || repo.endsWith(`/${want}`))) p.push(`container.image.repository ${JSON.stringify(repo ?? null)}, expected ${want}`);
  return p;
}

function matches(a: FalcoAlert, e: ExpectedAlert): boolean {
  const f = a.fields;
  if (a.rule !== e.rule) return false;
  if (normaliseCmdline(String(f["proc.cmdline"] ?? "")) !== normaliseCmdline(e.cmdline)) return false;
  if (e.pname !== undefined && f["proc.pname"] !== e.pname) return false;
  if (e.file !== undefined && f["fd.name"] !== e.file) return false;
  return true;
}

function describeExpected(e: ExpectedAlert): string {
  const extra = [e.pname ? `parent ${e.pname}` : "", e.file ? `file ${e.file}` : ""].filter(Boolean).join(", ");
  return `"${e.rule}" for \`${e.cmdline}\`${extra ? ` (${extra})` : ""}`;
}

type Outcome = { state: "ok" | "fail" | "unsure"; reason: string; alert?: FalcoAlert };

function judgeExpected(e: ExpectedAlert, mine: readonly FalcoAlert[], pod: PodIdentity, settled: boolean, opts: FalcoJudgeOptions): Outcome {
  const hit = mine.filter((a) => matches(a, e));
  const best = hit.map((a) => ({ a, p: alertFieldProblems(a, pod, opts.priorities[e.rule]) })).sort((x, y) => x.p.length - y.p.length)[0];
  if (best) {
    if (best.p.length) return { state: "fail", reason: `${describeExpected(e)}: ${best.p.join("; ")}`, alert: best.a };
    return { state: "ok", reason: `${describeExpected(e)} raised ${hit.length}x at ${best.a.time}`, alert: best.a };
  }
  const seen = mine.filter((a) => a.rule === e.rule).map((a) => `\`${String(a.fields["proc.cmdline"])}\``);
  const why = `no ${describeExpected(e)} in the attempt's window${seen.length ? `; same rule seen for ${seen.join(", ")}` : ""}`;
  if (settled && (opts.drops ?? 0) === 0) return { state: "fail", reason: why };
  return { state: "unsure", reason: `${why} (inconclusive: ${settled ? "Falco reported event drops" : "no barrier after the attempt"})` };
}

function judgeSilent(rule: string, mine: readonly FalcoAlert[], settled: boolean, drops: number): Outcome | undefined {
  const hits = mine.filter((a) => a.rule === rule);
  if (hits.length) return { state: "fail", reason: `"${rule}" must stay silent but fired ${hits.length}x (\`${String(hits[0]?.fields["proc.cmdline"])}\`)` };
  if (!settled) return { state: "unsure", reason: `"${rule}" silence cannot be judged: no barrier after the attempt` };
  if (drops > 0) return { state: "unsure", reason: `"${rule}" silence is unproven: Falco reported ${drops} event drop alert(s) in the run` };
  return undefined;
}

/**
 * Judges one attempt: every expected alert is present in its window with the
 * right fields, and no silent rule fired for the pod in that window (which
 * lies between the previous barrier's marker and its own: inAttemptWindow).
 * An absence (a missing alert, a silent rule) is proven only once a barrier
 * (a marker alert after the attempt) shows Falco had processed every event up
 * to then, and no event drop was reported: otherwise it is inconclusive.
 */
export function judgeFalcoAttempt(
  attempt: AttemptRecord,
  expect: FalcoExpectation,
  alerts: readonly FalcoAlert[],
  barrierMs: number | undefined,
  opts: FalcoJudgeOptions,
): FalcoResult {
  const previousMarkerMs = barrierTime(alerts, attempt.previousBarrier, attempt.pod);
  const settled = markerFollows(barrierMs, attempt.endMs, opts.slackMs);
  const mine = alerts.filter((a) => fromPod(a, attempt.pod) && inAttemptWindow(a, attempt, opts.slackMs, previousMarkerMs, settled ? barrierMs : undefined));
  const outcomes = [
    ...expect.fires.map((e) => judgeExpected(e, mine, attempt.pod, settled, opts)),
    ...expect.silent.map((r) => judgeSilent(r, mine, settled, opts.drops ?? 0)).filter((o): o is Outcome => o !== undefined),
  ];
  const ok = outcomes.some((o) => o.state === "fail") ? false : outcomes.some((o) => o.state === "unsure") ? "inconclusive" : true;
  const matched = outcomes.map((o) => o.alert).filter((a): a is FalcoAlert => a !== undefined);
  return { ok, reasons: outcomes.map((o) => o.reason), matched };
}

/**
 * Index of the attempt whose window (± slack) holds `timeMs`, or -1. Attempts
 * must be sorted by start and must not overlap; binary search, so a judge can
 * bucket a long stream without keeping alerts outside any window.
 */
export function attemptIndexAt(attempts: readonly Pick<AttemptRecord, "startMs" | "endMs">[], timeMs: number, slackMs: number): number {
  let lo = 0;
  let hi = attempts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const a = attempts[mid] as Pick<AttemptRecord, "startMs" | "endMs">;
    if (timeMs < a.startMs - slackMs) hi = mid - 1;
    else if (timeMs > a.endMs + slackMs) lo = mid + 1;
    else return mid;
  }
  return -1;
}
