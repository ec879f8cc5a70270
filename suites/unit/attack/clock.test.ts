import { describe, expect, it } from "vitest";
import { clockOffsetProblem, clockSlackMs, markerOffset, streamOffset, type MarkerTiming } from "../../../harness/attack/clock.ts";
import { SLACK_MS, detectionSlackMs } from "../../../harness/claims/detection/judge.ts";
import { enforcementSlackMs } from "../../../harness/claims/enforcement/judge.ts";

const T = Date.parse("2026-11-26T10:23:10.000Z");
/** A marker exec from `start` to `end` (harness ms after T) whose event the streams saw at `seen` (node ms after T). */
const marker = (start: number, end: number, seen: Record<string, number>): MarkerTiming => ({
  requestedMs: T + start,
  execEndMs: T + end,
  seen: Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, T + v])),
});

describe("the node-minus-harness clock offset, measured from marker execs", () => {
  it("one marker bounds the offset by its exec's start and end", () => {
    expect(markerOffset(T + 120, T, T + 200)).toEqual({ minMs: -80, maxMs: 120 });
  });

  it("the markers of a stream intersect: every one narrows the offset", () => {
    const o = streamOffset([marker(0, 200, { falco: 120 }), marker(1000, 1150, { falco: 1060 }), marker(2000, 2300, { tetragon: 2100 })], "falco");
    expect(o).toEqual({ stream: "falco", markers: 2, bound: { minMs: -80, maxMs: 60 }, consistent: true });
  });

  it("a node clock 2 s behind gives a negative offset, not a wide slack", () => {
    const o = streamOffset([marker(0, 200, { falco: -1900 }), marker(1000, 1150, { falco: -940 })], "falco");
    expect(o?.bound).toEqual({ minMs: -2090, maxMs: -1940 });
    expect(o?.consistent).toBe(true);
  });

  it("markers that do not intersect (the clock moved) fall back to their union and say so", () => {
    const o = streamOffset([marker(0, 100, { falco: 50 }), marker(1000, 1100, { falco: 1600 })], "falco");
    expect(o).toMatchObject({ consistent: false, bound: { minMs: -50, maxMs: 600 } });
  });

  it("the slack is the largest |offset| the bounds allow, over the named streams", () => {
    const bs = [marker(0, 200, { falco: 120, tetragon: 130 }), marker(1000, 1150, { falco: 1060, tetragon: 1140 })];
    expect(clockSlackMs(bs, ["falco"], 50)).toBe(80);
    expect(clockSlackMs(bs, ["falco", "tetragon"], 50)).toBe(130);
    expect(clockSlackMs([marker(0, 200, { falco: -1900 })], ["falco"], 50)).toBe(2100);
  });

  it("bundles whose barriers lack the exec end keep the slack they were judged with", () => {
    const old = [{ nonce: "m1", requestedMs: T, seen: { falco: T + 10 } }];
    expect(clockSlackMs(old, ["falco"], 50)).toBe(50);
    expect(detectionSlackMs(old)).toBe(SLACK_MS);
    expect(enforcementSlackMs([{ nonce: "m1", seen: { tetragon: T } }])).toBe(SLACK_MS);
  });

  it("the detection slack reads Falco's markers, the enforcement slack both streams'", () => {
    const bs = [marker(0, 300, { falco: 100, tetragon: 290 })];
    expect(detectionSlackMs(bs)).toBe(200);
    expect(enforcementSlackMs(bs.map((b) => ({ nonce: "m", ...b })))).toBe(290);
  });
});

describe("the suites refuse a node clock too far from this machine's to attribute events", () => {
  const LIMIT = 500;

  it("names the stream and the proven offset when the node's clock runs ahead, and for Falco how to reset its fixed clock base", () => {
    const live = [marker(0, 200, { falco: 2500 })];
    expect(clockOffsetProblem(live, "falco", LIMIT)).toBe(
      "Falco's event clock is 2.3–2.5 s ahead of this machine's; attribution windows assume <= 500 ms. " +
        "Falco's boot-time clock offset is fixed when Falco starts: restart Falco (kubectl -n falco rollout restart ds/falco)",
    );
  });

  it("names the stream when its clock runs behind", () => {
    const live = [marker(0, 150, { tetragon: -1900 })];
    expect(clockOffsetProblem(live, "tetragon", LIMIT)).toBe("Tetragon's event clock is 1.9–2.0 s behind this machine's; attribution windows assume <= 500 ms");
    expect(clockOffsetProblem([marker(0, 100, { tetragon: -650 })], "tetragon", LIMIT)).toBe("Tetragon's event clock is 650–750 ms behind this machine's; attribution windows assume <= 500 ms");
  });

  it("accepts an offset within the limit, and a slow exec whose bound only straddles it (latency, not the clock)", () => {
    expect(clockOffsetProblem([marker(0, 200, { falco: 120 })], "falco", LIMIT)).toBeUndefined();
    expect(clockOffsetProblem([marker(0, 3000, { falco: 2900 })], "falco", LIMIT)).toBeUndefined();
  });

  it("fails when the markers allow no single offset: the clock moved during the run", () => {
    const bs = [marker(0, 100, { falco: 50 }), marker(1000, 1100, { falco: 4000 })];
    expect(clockOffsetProblem(bs, "falco", LIMIT)).toBe(
      "Falco's event clock moved against this machine's during the run: its 2 markers allow no single offset (together -0.1–3.0 s); attribution windows assume <= 500 ms. " +
        "Falco's boot-time clock offset is fixed when Falco starts: restart Falco (kubectl -n falco rollout restart ds/falco)",
    );
  });

  it("fails when no marker of the stream was timed: the limit would go unchecked (no restart advice: nothing was measured)", () => {
    const p = clockOffsetProblem([{ requestedMs: T, seen: { falco: T } }], "falco", LIMIT);
    expect(p).toMatch(/^Falco's event clock is unmeasured: no marker of falco was timed/);
    expect(p).not.toMatch(/restart/);
  });
});
