import { describe, expect, it } from "vitest";
import { loadEnforcementEvidence } from "../../../harness/claims/enforcement/evidence.ts";
import { enforcementMatrix } from "../../../harness/claims/enforcement/matrix.ts";
import { cutAxis } from "../../../harness/report/timeline/axis.ts";
import { buildTimeline } from "../../../harness/report/timeline/model.ts";
import { timelineSvg } from "../../../harness/report/timeline/svg.ts";
import { dynamicFiles, reportDynamicEvidence } from "../../support/build-report-bundle.ts";
import { enforcementFiles } from "../../support/build-enforcement-bundle.ts";
import { memoryBundle } from "../../support/bundle.ts";
import { T0, cred } from "../../support/dynamic-fixtures.ts";
import { T0 as ATTACKS_T0 } from "../../support/falco-samples.ts";

const enf = enforcementFiles();
const view = memoryBundle({ ...dynamicFiles(reportDynamicEvidence()), ...enf });
const matrix = enforcementMatrix(loadEnforcementEvidence(memoryBundle(enf)));
const timeline = buildTimeline(view, matrix);

describe("the timeline model, from a bundle's evidence", () => {
  it("has one lane per DB identity, in order of first sighting: the app's, the attack suites' probes', the revocation trial's", () => {
    const creds = [0, 1, 2, 3].map((k) => cred(k).username);
    expect(timeline.lanes.map((l) => l.identity)).toEqual([...creds, "v-k-dyn-a", "v-k-dyn-b", cred(5).username]);
  });

  it("runs a lane from its first sighting to the first pg_roles snapshot without it, and marks its lease's expiry", () => {
    const first = timeline.lanes[0];
    // the app first reported it at T0+1s; pg_roles listed it until T0+45s and no longer at T0+50s
    expect(first).toMatchObject({ fromMs: T0 + 1_000, droppedMs: T0 + 50_000, expiryBasis: "lease expire_time" });
    // its lease's expire_time (issued T0+123 ms, 45 s TTL) on the harness's clock, within the clock offset the lookups show
    expect(Math.abs((first?.expiryMs ?? 0) - (T0 + 45_123))).toBeLessThan(1_000);
    const revoked = timeline.lanes.at(-1);
    expect(revoked).toMatchObject({ revokedMs: T0 + 96_000, droppedMs: T0 + 96_200 });
  });

  it("leaves a lane open when no snapshot shows the identity dropped", () => {
    expect(timeline.lanes.find((l) => l.identity === "v-k-dyn-a")?.droppedMs).toBeUndefined();
  });

  it("carries the pod's restartCount, each attempt with its matrix latencies, and the policy's enforcing window", () => {
    expect(timeline.pod.map((p) => [p.ms - T0, p.restartCount])).toEqual([[0, 0], [51_000, 0]]);
    const restarted = buildTimeline(memoryBundle(dynamicFiles(reportDynamicEvidence({ failing: true }))), []);
    expect(restarted.pod.map((p) => p.restartCount)).toEqual([0, 1, 1]);
    const cat = matrix.find((r) => r.attack === "cat");
    expect(timeline.attacks.map((a) => [a.attack, a.phase, a.killMs])).toEqual([
      ["cat", "enforcement", cat?.timeToKillMs],
      ["proc-mem", "enforcement", null],
      ["cat", "restored", undefined],
    ]);
    expect(typeof cat?.timeToKillMs).toBe("number");
    expect(timeline.enforcing).toEqual({ fromMs: ATTACKS_T0 - 500, toMs: ATTACKS_T0 + 30_000, policy: "secretproof-block-secret-readers", removed: true });
    expect([timeline.startMs, timeline.endMs]).toEqual([T0, ATTACKS_T0 + 40_000]);
  });

  it("names an unreadable evidence file and still draws the rest", () => {
    const t = buildTimeline(memoryBundle({ ...dynamicFiles(reportDynamicEvidence()), ...enf, "enforcement/app-probes.jsonl": '{"at":"x","ms":' }), []);
    expect(t.problems).toHaveLength(1);
    expect(t.problems[0]).toMatch(/JSON/);
    expect(t.lanes.map((l) => l.identity)).not.toContain("v-k-dyn-a");
    expect(t.lanes).toHaveLength(5);
  });

  it("is empty, not an error, for a bundle without timed evidence", () => {
    expect(buildTimeline(memoryBundle({}), [])).toEqual({ startMs: 0, endMs: 0, lanes: [], pod: [], attacks: [], problems: [] });
  });
});

describe("the timeline's axis", () => {
  it("cuts a stretch without evidence out, keeps order, and spans the drawing", () => {
    const times = [0, 10, 20, 1_000, 1_010];
    const a = cutAxis(times, 100, 1_100);
    expect(a.segments.map((s) => [s.fromMs, s.toMs])).toEqual([[0, 20], [1_000, 1_010]]);
    expect(a.breaks.map((b) => b.skippedMs)).toEqual([980]);
    const xs = times.map(a.x);
    expect(xs[0]).toBe(100);
    expect(xs.at(-1)).toBe(1_100);
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThan(xs[i - 1] as number);
  });

  it("stays linear when the evidence has no long gap", () => {
    const a = cutAxis([0, 50, 100], 0, 1_000);
    expect(a.breaks).toEqual([]);
    expect(a.x(50)).toBeCloseTo(500);
  });
});

describe("the timeline as SVG", () => {
  it("draws one lane per identity, an expiry mark where one is known, and no script or external reference", () => {
    const svg = timelineSvg(timeline);
    expect([...svg.matchAll(/<g class="lane" data-identity="([^"]+)"/g)].map((m) => m[1])).toEqual(timeline.lanes.map((l) => l.identity));
    expect(svg.match(/<line class="expiry"/g)).toHaveLength(timeline.lanes.filter((l) => l.expiryMs !== undefined).length);
    expect(svg.match(/<g class="attack"/g)).toHaveLength(3);
    expect(svg).not.toMatch(/<script|href=|url\(/);
  });

  it("writes an identity as text, whatever it holds", () => {
    const svg = timelineSvg({ ...timeline, lanes: [{ identity: `"><script>x</script>`, fromMs: T0 }] });
    expect(svg).toContain('data-identity="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(svg).not.toContain("<script>");
  });
});
