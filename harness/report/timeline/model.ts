import type { AppProbe } from "../../attack/app-probe.ts";
import type { AttemptRecord } from "../../attack/attempt.ts";
import { readDynamicEvidence } from "../../claims/dynamic/evidence.ts";
import { LAYOUT as DETECTION } from "../../claims/detection/layout.ts";
import type { ObservedPod, PhaseWindow } from "../../claims/enforcement/judge.ts";
import { LAYOUT as ENFORCEMENT } from "../../claims/enforcement/layout.ts";
import { jsonl, type BundleView, type MatrixRow } from "../../claims/registry.ts";
import { identityLanes, type IdentityLane, type Sighting } from "./identities.ts";

/** The app pod's container restart count at one moment. */
export interface PodPoint {
  ms: number;
  restartCount: number;
  pod: string;
}

/** One attack attempt, at its start; latencies from the attack-matrix row of its phase. */
export interface AttackTick {
  ms: number;
  attack: string;
  phase: string;
  exitCode: number;
  detectMs?: number | null;
  killMs?: number | null;
}

/** Everything the timeline draws, in epoch milliseconds of the harness's clock. */
export interface Timeline {
  startMs: number;
  endMs: number;
  lanes: IdentityLane[];
  pod: PodPoint[];
  attacks: AttackTick[];
  /** The Tetragon policy's enforcing window: proven enforcing, until removed (else until the attacks ended). */
  enforcing?: { fromMs: number; toMs: number; policy: string; removed: boolean };
  /** Evidence files that could not be read, each with why; the rest is still drawn. */
  problems: string[];
}

const why = (err: unknown) => (err instanceof Error ? err.message : String(err));

function attempts(view: BundleView, path: string, rows: ReadonlyMap<string, MatrixRow>): AttackTick[] {
  if (!view.has(path)) return [];
  return jsonl<AttemptRecord>(view.text(path)).map((a) => {
    const row = rows.get(a.attack);
    const tick: AttackTick = { ms: a.startMs, attack: a.attack, phase: a.phase, exitCode: a.exitCode };
    if (a.phase === "detection" && row?.timeToDetectMs !== undefined) tick.detectMs = row.timeToDetectMs;
    if (a.phase === "enforcement" && row?.timeToKillMs !== undefined) tick.killMs = row.timeToKillMs;
    return tick;
  });
}

function probes(view: BundleView, path: string): Sighting[] {
  if (!view.has(path)) return [];
  return jsonl<AppProbe>(view.text(path)).flatMap((p) => (p.status === 200 && p.dbUser ? [{ ms: p.ms, identity: p.dbUser }] : []));
}

function enforcementPods(view: BundleView): PodPoint[] {
  return [ENFORCEMENT.podBefore, ENFORCEMENT.podAfter].flatMap((path) => {
    if (!view.has(path)) return [];
    const p = view.json<ObservedPod>(path);
    const ms = p.at ? Date.parse(p.at) : NaN;
    return Number.isFinite(ms) ? [{ ms, restartCount: p.restartCount, pod: p.name }] : [];
  });
}

/** Runs one reader; a file it cannot read becomes a problem, not a missing report. */
function attempt<T>(problems: string[], empty: T, read: () => T): T {
  try {
    return read();
  } catch (err) {
    problems.push(why(err));
    return empty;
  }
}

/**
 * The timeline of a bundle, from its evidence files only (the dynamic
 * family's samples, snapshots and leases; the attack suites' attempts,
 * probes, pods and phase; the matrix rows `verify` derives again), so
 * re-deriving the evidence re-derives the drawing. Pure: no clock, no I/O.
 */
export function buildTimeline(view: BundleView, matrix: readonly MatrixRow[]): Timeline {
  const problems: string[] = [];
  const rows = new Map(matrix.map((r) => [r.attack, r]));
  const dynamic = attempt(problems, undefined, () => readDynamicEvidence(view));
  const sightings = [...attempt(problems, [], () => probes(view, DETECTION.probes)), ...attempt(problems, [], () => probes(view, ENFORCEMENT.probes))];
  const lanes = attempt(problems, [], () => identityLanes(dynamic, sightings));
  const pod = [
    ...(dynamic?.podSamples ?? []).map((p) => ({ ms: Date.parse(p.at), restartCount: p.restartCount, pod: p.name })),
    ...attempt(problems, [], () => enforcementPods(view)),
  ].filter((p) => Number.isFinite(p.ms)).sort((a, b) => a.ms - b.ms);
  const attacks = [...attempt(problems, [], () => attempts(view, DETECTION.attempts, rows)), ...attempt(problems, [], () => attempts(view, ENFORCEMENT.attempts, rows))];
  const phase = attempt(problems, undefined, () => (view.has(ENFORCEMENT.phase) ? view.json<PhaseWindow>(ENFORCEMENT.phase) : undefined));
  const enforcing = phase && { fromMs: phase.enforcingFromMs, toMs: phase.removedAtMs ?? phase.attacksEndMs, policy: phase.policy, removed: phase.removedAtMs !== undefined };
  const times = [
    ...lanes.flatMap((l) => [l.fromMs, l.droppedMs, l.expiryMs, l.revokedMs]),
    ...pod.map((p) => p.ms),
    ...attacks.flatMap((a) => [a.ms, a.ms + Math.max(a.detectMs ?? 0, a.killMs ?? 0)]),
    ...(enforcing ? [enforcing.fromMs, enforcing.toMs] : []),
  ].filter((t): t is number => t !== undefined && Number.isFinite(t));
  return {
    startMs: times.length ? Math.min(...times) : 0,
    endMs: times.length ? Math.max(...times) : 0,
    lanes,
    pod,
    attacks: attacks.sort((a, b) => a.ms - b.ms),
    ...(enforcing ? { enforcing } : {}),
    problems,
  };
}
