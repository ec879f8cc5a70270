import { type Duration, formatMs, toMs } from "../../clusters/duration.ts";
import { attemptsAfterLastSpared, sparedFirst } from "../attack/phase-order.ts";
import type { Attack } from "../attack/catalogue.ts";
import { type Profile, type SuiteId, remountModelOf, suiteWindowsMs } from "../profile.ts";
import { type CriticalPath, longestPath } from "./critical-path.ts";
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

/** The suite files by family, the order the serial ones run in, and the one that runs beside them. */
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

/**
 * The suites' critical path. The serial files run one after another (A1, A2,
 * F, T, N, L: claim-table order); with `overlapDynamic` the dynamic
 * observation runs beside them from the start
 * (harness/claims/dynamic/collect-background.ts), else it runs between A2
 * and F as it did. A recorded suite duration replaces the minimum.
 */
export function suitesModel(p: Profile, attacks: AttackMix, o: { overlapDynamic: boolean; recorded?: Recorded }): CriticalPath {
  const min = suiteMinimumsMs(p, attacks);
  const real = (id: SuiteId) => o.recorded?.suites?.find((s) => s.name === id || s.name.endsWith(`/${SUITE_FILES[id]}.test.ts`))?.durationMs;
  const ms = (id: SuiteId) => real(id) ?? min[id].windowMs + min[id].workMs;
  const order: SuiteId[] = o.overlapDynamic ? [...SERIAL] : ["A1", "A2", "D", "F", "T", "N", "L"];
  const nodes = order.map((id, i) => ({ id, deps: i ? [order[i - 1] as string] : [], durationMs: ms(id) }));
  if (o.overlapDynamic) nodes.push({ id: "D", deps: [], durationMs: ms("D") });
  return longestPath(nodes);
}

/**
 * The e2e audit step after the suites: its estimated work and the profile's
 * audit window, counted whole although the kind target's database is reached
 * by an exec, which a read-only audit does not observe (docs/audit.md).
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
 * and the audit step after them took 5 s of it (3 min 55 s).
 * The unit tier holds the model to exactly this figure, so a change that
 * widens the gap fails it, and one that narrows it must lower this number;
 * 0 once the share is met. Not a relaxed target: the target stays 10 minutes.
 */
export const KNOWN_SUITES_GAP_MS = 36_500;

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
  const suites = suitesModel(p, attacks, { overlapDynamic: true, recorded });
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
