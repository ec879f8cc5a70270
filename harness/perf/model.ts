import { type Duration, formatMs, toMs } from "../../clusters/duration.ts";
import { attemptsAfterLastSpared, sparedFirst } from "../attack/phase-order.ts";
import type { Attack } from "../attack/catalogue.ts";
import { type Profile, type SuiteId, remountModelOf, suiteWindowsMs } from "../profile.ts";
import { type CriticalPath, longestPath } from "./critical-path.ts";
import { NETWORK_COLLECTION } from "../claims/network/collection.ts";
import { AUDIT_WORK_ESTIMATE_MS, SUITE_WORK_ESTIMATES_MS, STEP_ESTIMATES_MS } from "./estimates.ts";

/** A step of the bring-up graph as the model needs it. */
export interface GraphStep {
  name: string;
  deps: readonly string[];
}

/** Timings a run recorded (run.json steps and suites), by name: they replace the estimates. */
export interface Recorded {
  steps?: readonly { name: string; durationMs: number }[];
  /** Suite files (suites/e2e/<family>.test.ts), or SuiteId keys. */
  suites?: readonly { name: string; durationMs: number }[];
}

/** The suite files by family, and the order they run in when none runs beside them (claim-table order). */
export const SUITE_FILES: Readonly<Record<SuiteId, string>> = {
  A1: "a1-encryption",
  A2: "a2-no-secrets",
  D: "dynamic",
  F: "detection",
  T: "enforcement",
  N: "network",
  L: "app-leak",
};
const SERIAL: readonly SuiteId[] = ["A1", "A2", "F", "T", "N", "L"];

/** What of the catalogue the model needs: how many entries, and how many phase 2 runs after its last spared one. */
export interface AttackMix {
  total: number;
  afterLastSpared: number;
}

/** The mix of `attacks` in phase 2's order (harness/attack/phase-order.ts). */
export function attackMix(attacks: readonly Pick<Attack, "enforcement">[]): AttackMix {
  return { total: attacks.length, afterLastSpared: attemptsAfterLastSpared(sparedFirst(attacks)) };
}

/**
 * The global setup's graph: preflight, then `up`'s steps (its roots after
 * preflight), then the sweep of leftovers after `up`'s last steps.
 */
export function setupGraph(up: readonly GraphStep[]): GraphStep[] {
  const depended = new Set(up.flatMap((s) => s.deps));
  const sinks = up.filter((s) => !depended.has(s.name)).map((s) => s.name);
  return [
    { name: "preflight", deps: [] },
    ...up.map((s) => ({ name: s.name, deps: s.deps.length ? s.deps : ["preflight"] })),
    { name: "sweep-leftovers", deps: sinks },
  ];
}

const recordedMs = (list: Recorded["steps"], name: string) => list?.find((t) => t.name === name)?.durationMs;

/** The setup's critical path: recorded durations where the run has them, else the estimates (an unknown step is an error). */
export function bringUpModel(up: readonly GraphStep[], recorded: Recorded = {}): CriticalPath & { estimated: string[] } {
  const estimated: string[] = [];
  const nodes = setupGraph(up).map((s) => {
    const real = recordedMs(recorded.steps, s.name);
    if (real !== undefined) return { id: s.name, deps: s.deps, durationMs: real };
    const guess = STEP_ESTIMATES_MS[s.name];
    if (guess === undefined) throw new Error(`step ${s.name} has no estimate in harness/perf/estimates.ts and the run recorded no timing for it`);
    estimated.push(s.name);
    return { id: s.name, deps: s.deps, durationMs: guess };
  });
  return { ...longestPath(nodes), estimated };
}

/**
 * What of T's windows its attempts leave uncovered. The re-check of the
 * spared attempts is due waits.tetragonEventDelay after the last of them
 * ends, and the attempts after it run meanwhile; T2's wait for a second
 * identity counts from the policy enforcing, so the whole attack loop runs
 * meanwhile (suites/e2e/enforcement.test.ts). Either wait is left only where
 * it outlasts those attempts.
 */
export function enforcementUncoveredMs(p: Profile, mix: AttackMix): number {
  const per = SUITE_WORK_ESTIMATES_MS.T.perAttack;
  const recheck = toMs(p.waits.tetragonEventDelay) - mix.afterLastSpared * per;
  const secondIdentity = remountModelOf(p).maxGapMs - mix.total * per;
  return Math.max(0, recheck, secondIdentity);
}

/** Each suite's least time: the part of its observation windows (from the profile, they always elapse) nothing else covers, plus its estimated work. */
export function suiteMinimumsMs(p: Profile, mix: AttackMix): Record<SuiteId, { windowMs: number; workMs: number }> {
  const windows = { ...suiteWindowsMs(p), T: enforcementUncoveredMs(p, mix) };
  const out = {} as Record<SuiteId, { windowMs: number; workMs: number }>;
  for (const id of Object.keys(windows) as SuiteId[]) {
    const w = SUITE_WORK_ESTIMATES_MS[id];
    out[id] = { windowMs: windows[id], workMs: w.base + w.perAttack * mix.total };
  }
  return out;
}

/** Which suites run beside the serial files instead of among them. */
export interface Overlap {
  /** The dynamic observation from the start (harness/claims/dynamic/collect-background.ts); else between A2 and F, as it did. */
  overlapDynamic: boolean;
  /**
   * N1's collection from the start, beside A1 and A2, F waiting for both
   * (harness/claims/network/collect-background.ts: its python3 in the app pod
   * raises a Falco alert, so F's session opens after it); else between T and L, as it did.
   */
  overlapNetwork: boolean;
}

/** The suites' graph: the serial files in claim-table order, each after the one before, and what runs beside them. */
export function suitesGraph(o: Overlap): GraphStep[] {
  const serial = SERIAL.filter((id) => !(o.overlapNetwork && id === "N"));
  const order: SuiteId[] = o.overlapDynamic ? serial : [...serial.slice(0, 2), "D", ...serial.slice(2)];
  const steps: GraphStep[] = order.map((id, i) => ({ name: id, deps: i ? [order[i - 1] as string] : [] }));
  if (o.overlapNetwork) {
    steps.push({ name: "N", deps: [] });
    const f = steps.find((s) => s.name === "F") as GraphStep;
    f.deps = [...f.deps, "N"];
  }
  if (o.overlapDynamic) steps.push({ name: "D", deps: [] });
  return steps;
}

/** What a run records for a suite run in the background: its collection's timing, not the file that judges it. */
const BACKGROUND_TIMING: Partial<Record<SuiteId, string>> = { N: NETWORK_COLLECTION };

/**
 * The suites' critical path over suitesGraph: each suite's minimum, or the
 * duration a run recorded for it (for N beside the others, its
 * collection's, when recorded).
 */
export function suitesModel(p: Profile, attacks: AttackMix, o: Overlap & { recorded?: Recorded }): CriticalPath {
  const min = suiteMinimumsMs(p, attacks);
  const recorded = (match: (name: string) => boolean) => o.recorded?.suites?.find((s) => match(s.name))?.durationMs;
  const task = (id: SuiteId) => (id === "N" && !o.overlapNetwork ? undefined : BACKGROUND_TIMING[id]);
  const real = (id: SuiteId) =>
    (task(id) === undefined ? undefined : recorded((name) => name === task(id))) ?? recorded((name) => name === id || name.endsWith(`/${SUITE_FILES[id]}.test.ts`));
  const ms = (id: SuiteId) => real(id) ?? min[id].windowMs + min[id].workMs;
  return longestPath(suitesGraph(o).map((s) => ({ id: s.name, deps: s.deps, durationMs: ms(s.name as SuiteId) })));
}

/**
 * The e2e audit step after the suites: its estimated work and the profile's
 * audit window, counted whole although the kind target's database is reached
 * by psql in its pod, which the audit does not run, so D1–D3 are not observed
 * there (docs/audit.md).
 */
export function auditModel(p: Profile): { workMs: number; windowMs: number; wallMs: number } {
  const windowMs = toMs(p.audit.window);
  return { workMs: AUDIT_WORK_ESTIMATE_MS, windowMs, wallMs: AUDIT_WORK_ESTIMATE_MS + windowMs };
}

export interface JobModel {
  bringUp: CriticalPath & { estimated: string[] };
  suites: CriticalPath;
  audit: ReturnType<typeof auditModel>;
  /** Each figure against its share of the target, and the deadlines against the shares. */
  problems: string[];
}

const m = (d: Duration) => toMs(d);

/**
 * How far the ci profile's suites are over their share of the target today,
 * as this model computes it (docs/performance.md, "The gap"): the catalogue's
 * 29 entries and the network and app-leak suites outgrew the 4-minute share,
 * until N1's collection moved beside A1 and A2 and F and T waited for their
 * markers once per batch instead of once per attempt; the share itself gave
 * 5 s to the audit step after the suites (3 min 55 s). The unit tier holds the model to exactly this figure, so a change
 * that widens the gap fails it, and one that narrows it must lower this
 * number; 0 once the share is met. Not a relaxed target: the target stays 10 minutes.
 */
export const KNOWN_SUITES_GAP_MS = 0;

/** The target's shares add up to the job, each figure fits its share, each deadline is twice its share (a slow but healthy run is not cancelled). */
export function targetProblems(p: Profile, bringUpMs: number, suitesMs: number, auditMs = 0): string[] {
  const t = p.target;
  const problems: string[] = [];
  const sum = m(t.prep) + m(t.bringUp) + m(t.suites) + m(t.audit) + m(t.wrapUp);
  if (sum !== m(t.job)) problems.push(`the ${p.name} target's shares (prep ${t.prep} + bring-up ${t.bringUp} + suites ${t.suites} + audit ${t.audit} + wrap-up ${t.wrapUp} = ${formatMs(sum)}) do not add up to its job ${t.job}`);
  if (auditMs > m(t.audit)) problems.push(`the ${p.name} audit step takes at least ${formatMs(auditMs)}, ${formatMs(auditMs - m(t.audit))} over the target's audit share ${t.audit}`);
  if (bringUpMs > m(t.bringUp)) problems.push(`the ${p.name} bring-up's critical path takes ${formatMs(bringUpMs)}, ${formatMs(bringUpMs - m(t.bringUp))} over the target's bring-up share ${t.bringUp}`);
  if (suitesMs > m(t.suites)) problems.push(`the ${p.name} profile's suites take at least ${formatMs(suitesMs)}, ${formatMs(suitesMs - m(t.suites))} over the target's suites share ${t.suites}`);
  if (m(p.waits.bringUp) !== 2 * m(t.bringUp)) problems.push(`waits.bringUp ${p.waits.bringUp} (the setup's deadline) is not twice the target's bring-up share ${t.bringUp}`);
  if (m(p.budget) !== 2 * m(t.suites)) problems.push(`budget ${p.budget} (the suites' deadline) is not twice the target's suites share ${t.suites}`);
  return problems;
}

/** The whole model: bring-up and suites, each against the profile's target. */
export function jobModel(p: Profile, up: readonly GraphStep[], attacks: AttackMix, recorded?: Recorded): JobModel {
  const bringUp = bringUpModel(up, recorded);
  const suites = suitesModel(p, attacks, { overlapDynamic: true, overlapNetwork: true, recorded });
  const audit = auditModel(p);
  return { bringUp, suites, audit, problems: targetProblems(p, bringUp.wallMs, suites.wallMs, audit.wallMs) };
}

/** The model in one line per phase, for the README and messages. */
export function describeJobModel(p: Profile, j: JobModel): string[] {
  const chain = (c: CriticalPath) => c.links.filter((l) => l.kind === "step").map((l) => `${l.id} ${formatMs(l.durationMs)}`).join(" → ");
  return [
    `bring-up ${formatMs(j.bringUp.wallMs)} (target ${p.target.bringUp}): ${chain(j.bringUp)}`,
    `suites ${formatMs(j.suites.wallMs)} (target ${p.target.suites}): ${chain(j.suites)}`,
    `audit ${formatMs(j.audit.wallMs)} (target ${p.target.audit}): work ${formatMs(j.audit.workMs)} + window ${formatMs(j.audit.windowMs)}`,
  ];
}
