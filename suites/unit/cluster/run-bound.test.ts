import { describe, expect, it } from "vitest";
import { toMs } from "../../../harness/core/duration.ts";
import { UP_STEPS } from "../../../harness/cluster/steps.ts";
import { bringUpBound, criticalPath, e2eRunBound, STEP_BOUNDS, unboundSteps, waitsMs } from "../../../harness/cluster/run-bound.ts";
import { PROFILES, type Profile } from "../../../harness/profile.ts";

const ci = PROFILES.ci;
const withWaits = (over: Partial<Profile["waits"]>): Profile => ({ ...ci, waits: { ...ci.waits, ...over } });

describe("the bound of `up`, from the step graph and the profile's waits", () => {
  it("has a bound for every step of up, and none for a step up does not have", () => {
    expect(unboundSteps(UP_STEPS)).toEqual([]);
    expect(Object.keys(STEP_BOUNDS).sort()).toEqual(UP_STEPS.map((s) => s.name).sort());
  });

  it("refuses a step graph with an unbound step, naming the step and where its bound goes", () => {
    const specs = [...UP_STEPS, { name: "kyverno", deps: ["cilium"], what: "helm kyverno" }];
    expect(unboundSteps(specs)).toEqual(["kyverno"]);
    expect(() => bringUpBound(ci, specs)).toThrow("no bound for up step(s) kyverno: add them to STEP_BOUNDS in harness/cluster/run-bound.ts");
  });

  it("takes the longest chain of dependencies, not the sum of all steps", () => {
    const specs = [
      { name: "a", deps: [], what: "" },
      { name: "b", deps: ["a"], what: "" },
      { name: "c", deps: ["a"], what: "" },
      { name: "d", deps: ["b", "c"], what: "" },
    ];
    const ms: Record<string, number> = { a: 1, b: 5, c: 2, d: 3 };
    expect(criticalPath(specs, (n) => ms[n]!)).toEqual({ ms: 9, path: ["a", "b", "d"] });
  });

  it("runs through cluster creation, Cilium, Vault, its configuration and the app on the pinned graph", () => {
    const b = bringUpBound(ci);
    expect(b.path).toEqual(["state", "kind-cluster", "cilium", "namespaces", "vault", "configure-vault", "app", "app-ready"]);
    expect(b.ms).toBe(b.path.reduce((a, n) => a + STEP_BOUNDS[n]!(waitsMs(ci)), 0));
  });

  it("grows with each wait a step on the longest chain spends, and not with one it does not", () => {
    const base = bringUpBound(ci).ms;
    expect(bringUpBound(withWaits({ clusterCreate: "7m" })).ms).toBe(base + 2 * 60_000);
    expect(bringUpBound(withWaits({ helmRelease: "6m" })).ms).toBe(base + 2 * 2 * 60_000); // cilium and vault, each uninstall --wait and upgrade --install --wait
    expect(bringUpBound(withWaits({ appReady: "4m" })).ms).toBe(base + 60_000);
    expect(bringUpBound(withWaits({ imageBuild: "6m" })).ms).toBe(base); // the image builds beside the cluster
  });

  it("lets a slow image build become the longest chain once it outlasts the cluster's", () => {
    const b = bringUpBound(withWaits({ imageBuild: "200m" }));
    expect(b.path).toEqual(["fixtures", "app-image", "app-image-load", "app", "app-ready"]);
  });
});

describe("the bound of npm test", () => {
  it("adds the setup, the profile's budget for the suites, the cancel grace and the teardown", () => {
    for (const p of Object.values(PROFILES)) {
      const b = e2eRunBound(p, { teardown: false });
      const c = toMs(p.waits.command);
      expect(b.setupMs).toBe(c + bringUpBound(p).ms + 2 * c);
      expect(b.suitesDeadlineMs).toBe(toMs(p.budget));
      expect(b.totalMs).toBe(b.startMs + b.setupMs + b.suitesDeadlineMs + b.graceMs + b.stopMs + b.teardownMs);
    }
  });

  it("gives the teardown room to export logs from and delete the cluster when SECRETPROOF_TEARDOWN=1", () => {
    const keep = e2eRunBound(ci, { teardown: false });
    const down = e2eRunBound(ci, { teardown: true });
    expect(down.teardownMs - keep.teardownMs).toBe(3 * toMs(ci.waits.clusterCreate));
  });

  it("is longer for the faithful profile than the ci one", () => {
    expect(e2eRunBound(PROFILES.faithful, { teardown: false }).totalMs).toBeGreaterThan(e2eRunBound(ci, { teardown: false }).totalMs);
  });
});
