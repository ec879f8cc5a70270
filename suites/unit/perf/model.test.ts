import { describe, expect, it } from "vitest";
import { toMs } from "../../../clusters/duration.ts";
import { loadAttackMatrix } from "../../../harness/attack/matrix-catalogue.ts";
import { UP_STEPS } from "../../../harness/cluster/up/steps.ts";
import { AUDIT_WORK_ESTIMATE_MS, STEP_ESTIMATES_MS, SUITE_WORK_ESTIMATES_MS } from "../../../harness/perf/estimates.ts";
import { KNOWN_SUITES_GAP_MS, attackMix, bringUpModel, describeJobModel, enforcementUncoveredMs, jobModel, setupGraph, suiteMinimumsMs, suitesGraph, suitesModel, targetProblems } from "../../../harness/perf/model.ts";
import { PROFILES, type Profile, remountModelOf } from "../../../harness/profile.ts";

const attacks = attackMix(loadAttackMatrix().catalogue.attacks);
const ci = PROFILES.ci;

describe("the offline model of the e2e job", () => {
  it("the ci bring-up's critical path fits its share; the suites are over theirs by exactly the known gap, which may only shrink", () => {
    const j = jobModel(ci, UP_STEPS, attacks);
    const why = [...j.problems, ...describeJobModel(ci, j)].join("\n");
    expect(j.bringUp.wallMs, why).toBeLessThanOrEqual(toMs(ci.target.bringUp));
    const gap = Math.max(0, j.suites.wallMs - toMs(ci.target.suites));
    // wider: a change made the suites slower; narrower: lower KNOWN_SUITES_GAP_MS (harness/perf/model.ts) with it
    expect(gap, why).toBe(KNOWN_SUITES_GAP_MS);
    expect(j.problems).toEqual(gap ? [expect.stringMatching(/^the ci profile's suites take at least \dm\d\ds, [\d.]+s over the target's suites share 3m55s$/)] : []);
  });

  it("every other profile fits its own target, and its deadlines are twice their shares", () => {
    for (const p of Object.values(PROFILES).filter((x) => x !== ci)) {
      const j = jobModel(p, UP_STEPS, attacks);
      expect(j.problems, `${p.name}: ${describeJobModel(p, j).join("; ")}`).toEqual([]);
    }
  });

  it("fails a profile change that breaks the suites' share: a longer D2 window or a longer Tetragon event delay", () => {
    const longer: Profile = { ...ci, waits: { ...ci.waits, tetragonEventDelay: "2m" } };
    const problems = jobModel(longer, UP_STEPS, attacks).problems;
    expect(problems.join("\n")).toMatch(/^the ci profile's suites take at least \dm\d\ds, (\d+\.\ds|\dm\d\ds) over the target's suites share 3m55s$/m);
  });

  it("runs the dynamic observation beside the serial suites: the suites take the longer of the two, not their sum", () => {
    const beside = suitesModel(ci, attacks, { overlapDynamic: true, overlapNetwork: false });
    const serial = suitesModel(ci, attacks, { overlapDynamic: false, overlapNetwork: false });
    const d = serial.links.find((l) => l.id === "D")?.durationMs ?? 0;
    expect(serial.wallMs - beside.wallMs).toBe(d);
    expect(beside.links.map((l) => l.id)).toEqual(["A1", "A2", "F", "T", "N", "L"]);
  });

  it("runs N1's collection beside A1 and A2, F after both: N drops off the path while it is shorter than A1 and A2", () => {
    const after = suitesModel(ci, attacks, { overlapDynamic: true, overlapNetwork: false });
    const beside = suitesModel(ci, attacks, { overlapDynamic: true, overlapNetwork: true });
    const min = suiteMinimumsMs(ci, attacks);
    const n = min.N.windowMs + min.N.workMs;
    expect(n).toBeLessThan(min.A1.windowMs + min.A1.workMs + min.A2.windowMs + min.A2.workMs);
    expect(after.wallMs - beside.wallMs).toBe(n);
    expect(beside.links.map((l) => l.id)).toEqual(["A1", "A2", "F", "T", "L"]);
  });

  it("makes F wait for N1's collection when it outlasts A1 and A2, and takes the collection's recorded timing over the network file's", () => {
    const slow = { suites: [{ name: "network collection", durationMs: 100_000 }, { name: "suites/e2e/network.test.ts", durationMs: 5 }] };
    const path = suitesModel(ci, attacks, { overlapDynamic: true, overlapNetwork: true, recorded: slow });
    expect(path.links.map((l) => l.id)).toEqual(["N", "F", "T", "L"]);
    expect(path.links[0]?.durationMs).toBe(100_000);
    // run after T, as it did, N is the file's own time
    const after = suitesModel(ci, attacks, { overlapDynamic: true, overlapNetwork: false, recorded: slow });
    expect(after.links.find((l) => l.id === "N")?.durationMs).toBe(5);
  });

  it("draws F after both A2 and N1's collection, and N and D from the suites' start", () => {
    expect(suitesGraph({ overlapDynamic: true, overlapNetwork: true })).toEqual([
      { name: "A1", deps: [] },
      { name: "A2", deps: ["A1"] },
      { name: "F", deps: ["A2", "N"] },
      { name: "T", deps: ["F"] },
      { name: "L", deps: ["T"] },
      { name: "N", deps: [] },
      { name: "D", deps: [] },
    ]);
    expect(suitesGraph({ overlapDynamic: false, overlapNetwork: false }).map((s) => s.name)).toEqual(["A1", "A2", "D", "F", "T", "N", "L"]);
  });

  it("counts T's re-check delay only where it outlasts the killed attempts phase 2 runs after its last spared one", () => {
    const per = SUITE_WORK_ESTIMATES_MS.T.perAttack;
    const delay = toMs(ci.waits.tetragonEventDelay);
    // In catalogue order a spared entry (io-uring) is last: the whole delay would follow the attempts.
    expect(enforcementUncoveredMs(ci, { total: attacks.total, afterLastSpared: 0 })).toBe(delay);
    expect(enforcementUncoveredMs(ci, { total: attacks.total, afterLastSpared: 4 })).toBe(delay - 4 * per);
    // Spared first: the killed attempts outlast the delay, and the loop outlasts T2's wait for a second identity.
    expect(attacks.afterLastSpared * per).toBeGreaterThanOrEqual(delay);
    expect(enforcementUncoveredMs(ci, attacks)).toBe(0);
    const gap = remountModelOf(ci).maxGapMs;
    expect(enforcementUncoveredMs(ci, { total: 2, afterLastSpared: 2 })).toBe(Math.max(delay - 2 * per, gap - 2 * per));
  });

  it("counts N1's connect timeout and its wait for an app request after the attempt, from the program and the profile", () => {
    const n = suiteMinimumsMs(ci, attacks).N;
    expect(n.windowMs).toBe(toMs(ci.waits.exfilConnect) + toMs(ci.dynamic.probeInterval));
    expect(n.workMs).toBe(SUITE_WORK_ESTIMATES_MS.N.base);
    expect(suiteMinimumsMs(ci, attacks).L).toEqual({ windowMs: 0, workMs: SUITE_WORK_ESTIMATES_MS.L.base });
  });

  it("takes a run's recorded timings over the estimates, and says which steps are still estimates", () => {
    const estimated = bringUpModel(UP_STEPS);
    expect(estimated.estimated).toContain("cilium");
    const recorded = bringUpModel(UP_STEPS, { steps: [{ name: "cilium", durationMs: 600_000 }] });
    expect(recorded.estimated).not.toContain("cilium");
    expect(recorded.wallMs - estimated.wallMs).toBe(600_000 - (STEP_ESTIMATES_MS.cilium ?? 0));
    const suites = suitesModel(ci, attacks, { overlapDynamic: true, overlapNetwork: true, recorded: { suites: [{ name: "suites/e2e/enforcement.test.ts", durationMs: 900_000 }] } });
    expect(suites.links.find((l) => l.id === "T")?.durationMs).toBe(900_000);
  });

  it("has an estimate for every step of up and of the global setup, so a new step needs one", () => {
    expect(setupGraph(UP_STEPS).filter((s) => STEP_ESTIMATES_MS[s.name] === undefined).map((s) => s.name)).toEqual([]);
    expect(() => bringUpModel([...UP_STEPS, { name: "new-step", deps: [] }])).toThrow("step new-step has no estimate in harness/perf/estimates.ts and the run recorded no timing for it");
  });

  it("puts preflight before up's roots and the sweep after its last steps", () => {
    const g = setupGraph([{ name: "a", deps: [] }, { name: "b", deps: ["a"] }, { name: "c", deps: [] }]);
    expect(g).toEqual([
      { name: "preflight", deps: [] },
      { name: "a", deps: ["preflight"] },
      { name: "b", deps: ["a"] },
      { name: "c", deps: ["preflight"] },
      { name: "sweep-leftovers", deps: ["b", "c"] },
    ]);
  });

  it("names a target whose shares do not add up, and a deadline that is not twice its share", () => {
    const bad: Profile = { ...ci, target: { ...ci.target, wrapUp: "1m" }, budget: "10m" };
    expect(targetProblems(bad, 0, 0)).toEqual([
      "the ci target's shares (prep 45s + bring-up 4m50s + suites 3m55s + audit 15s + wrap-up 1m = 10m45s) do not add up to its job 10m",
      "budget 10m (the suites' deadline) is not twice the target's suites share 3m55s",
    ]);
  });

  it("counts the audit step after the suites: its work and the profile's audit window, against the target's audit share", () => {
    const j = jobModel(ci, UP_STEPS, attacks);
    expect(j.audit).toEqual({ workMs: AUDIT_WORK_ESTIMATE_MS, windowMs: toMs(ci.audit.window), wallMs: AUDIT_WORK_ESTIMATE_MS + toMs(ci.audit.window) });
    expect(j.audit.wallMs).toBeLessThanOrEqual(toMs(ci.target.audit));
    const longer: Profile = { ...ci, audit: { window: "1m" } };
    expect(jobModel(longer, UP_STEPS, attacks).problems).toContain("the ci audit step takes at least 1m10s, 55.0s over the target's audit share 15s");
    const faithful = jobModel(PROFILES.faithful, UP_STEPS, attacks);
    expect(faithful.audit.windowMs).toBe(toMs(PROFILES.faithful.dynamic.rotationWindow));
  });
});
