import { describe, expect, it } from "vitest";
import { criticalPath, longestPath } from "../../../harness/perf/critical-path.ts";
import { runCriticalPath, suiteDeps, withDeps } from "../../../harness/perf/run-graph.ts";
import { SUITE_AWAITS } from "../../../harness/cluster/run/suite-awaits.ts";

const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 12, 0, s)).toISOString();

describe("the critical path of a recorded run", () => {
  it("follows, from the node that ended last, the dependency each node waited for, and names the gaps where nothing on the path ran", () => {
    const p = criticalPath(
      [
        { id: "kind", deps: [], startMs: 0, endMs: 60 },
        { id: "image", deps: [], startMs: 0, endMs: 45 },
        { id: "load", deps: ["kind", "image"], startMs: 60, endMs: 70 },
        { id: "cilium", deps: ["kind"], startMs: 60, endMs: 150 },
        { id: "app", deps: ["load", "cilium"], startMs: 250, endMs: 280 },
      ],
      0,
    );
    expect(p.links.map((l) => [l.id, l.kind, l.durationMs])).toEqual([
      ["kind", "step", 60],
      ["cilium", "step", 90],
      ["before app", "gap", 100],
      ["app", "step", 30],
    ]);
    expect(p.wallMs).toBe(280);
    expect(p.links.reduce((a, l) => a + l.share, 0)).toBeCloseTo(1);
  });

  it("counts the time before the first step from the run's start as a gap", () => {
    const p = criticalPath([{ id: "a", deps: [], startMs: 1_000, endMs: 2_000 }], 0);
    expect(p.links.map((l) => `${l.id}:${l.share}`)).toEqual(["before a:0.5", "a:0.5"]);
  });

  it("ignores a dependency that ended after the node started (a recorded graph that disagrees with its timings) rather than inventing negative waits", () => {
    const p = criticalPath([{ id: "a", deps: [], startMs: 0, endMs: 2_000 }, { id: "b", deps: ["a"], startMs: 1_000, endMs: 3_000 }], 0);
    expect(p.links.map((l) => [l.id, l.durationMs])).toEqual([["before b", 1_000], ["b", 2_000]]);
  });

  it("reads run.json's steps and suites, with the dependencies the setup and the suites recorded", () => {
    const steps = withDeps(
      [
        { name: "preflight", startedAt: at(0), durationMs: 2_000, ok: true },
        { name: "kind-cluster", startedAt: at(2), durationMs: 60_000, ok: true },
        { name: "sweep-leftovers", startedAt: at(62), durationMs: 1_000, ok: true },
      ],
      [{ name: "preflight", deps: [] }, { name: "kind-cluster", deps: ["preflight"] }, { name: "sweep-leftovers", deps: ["kind-cluster"] }],
    );
    const suites = [
      ...suiteDeps(
        [
          { name: "suites/e2e/dynamic.test.ts", startedAt: at(200), durationMs: 1_000, ok: true },
          { name: "suites/e2e/a1-encryption.test.ts", startedAt: at(64), durationMs: 10_000, ok: true },
          { name: "suites/e2e/enforcement.test.ts", startedAt: at(75), durationMs: 100_000, ok: true },
        ],
        "sweep-leftovers",
        { "suites/e2e/dynamic.test.ts": "dynamic observation" },
      ),
      { name: "dynamic observation", startedAt: at(63), durationMs: 130_000, ok: true, deps: ["sweep-leftovers"] },
    ];
    expect(suites.find((s) => s.name.endsWith("dynamic.test.ts"))?.deps).toEqual(["suites/e2e/enforcement.test.ts", "dynamic observation"]);
    const p = runCriticalPath({ startedAt: at(0), steps, suites });
    expect(p.links.filter((l) => l.kind === "step").map((l) => l.id)).toEqual(["preflight", "kind-cluster", "sweep-leftovers", "dynamic observation", "suites/e2e/dynamic.test.ts"]);
    expect(p.wallMs).toBe(201_000);
  });

  it("records the detection suite's dependence on N1's collection beside A2's, the path running through whichever ended last before it started", () => {
    const steps = [{ name: "sweep-leftovers", startedAt: at(0), durationMs: 1_000, ok: true, deps: [] }];
    const runs = [
      { name: "suites/e2e/a1-encryption.test.ts", startedAt: at(1), durationMs: 10_000, ok: true },
      { name: "suites/e2e/a2-no-secrets.test.ts", startedAt: at(11), durationMs: 30_000, ok: true },
      { name: "suites/e2e/detection.test.ts", startedAt: at(45), durationMs: 100_000, ok: true },
    ];
    const path = (collectionMs: number) => {
      const suites = [...suiteDeps(runs, "sweep-leftovers", SUITE_AWAITS), { name: "network collection", startedAt: at(1), durationMs: collectionMs, ok: true, deps: ["sweep-leftovers"] }];
      expect(suites.find((s) => s.name.endsWith("detection.test.ts"))?.deps).toEqual(["suites/e2e/a2-no-secrets.test.ts", "network collection"]);
      return runCriticalPath({ startedAt: at(0), steps, suites }).links.map((l) => l.id);
    };
    expect(path(20_000)).toEqual(["sweep-leftovers", "suites/e2e/a1-encryption.test.ts", "suites/e2e/a2-no-secrets.test.ts", "before suites/e2e/detection.test.ts", "suites/e2e/detection.test.ts"]);
    expect(path(44_000)).toEqual(["sweep-leftovers", "network collection", "suites/e2e/detection.test.ts"]);
  });

  it("reads a bundle of an older secretproof, whose timings carry no dependencies, as a chain of gaps and steps", () => {
    const p = runCriticalPath({ startedAt: at(0), steps: [{ name: "up", startedAt: at(1), durationMs: 1_000, ok: true }], suites: [] });
    expect(p.links.map((l) => l.id)).toEqual(["before up", "up"]);
  });
});

describe("the longest path through estimated durations", () => {
  it("starts each node when its last dependency ends and returns the chain that decides the total", () => {
    const p = longestPath([
      { id: "a", deps: [], durationMs: 10 },
      { id: "b", deps: ["a"], durationMs: 5 },
      { id: "c", deps: ["a"], durationMs: 20 },
      { id: "d", deps: ["b", "c"], durationMs: 1 },
    ]);
    expect(p.links.map((l) => l.id)).toEqual(["a", "c", "d"]);
    expect(p.wallMs).toBe(31);
  });

  it("names a cycle and an unknown dependency", () => {
    expect(() => longestPath([{ id: "a", deps: ["b"], durationMs: 1 }, { id: "b", deps: ["a"], durationMs: 1 }])).toThrow("the graph has a cycle: a -> b -> a");
    expect(() => longestPath([{ id: "a", deps: ["x"], durationMs: 1 }])).toThrow("a depends on unknown node x");
  });
});
