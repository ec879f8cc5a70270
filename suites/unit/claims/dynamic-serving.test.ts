import { describe, expect, it } from "vitest";
import { judgeD2, judgeServing } from "../../../harness/claims/dynamic/index.ts";
import { T0, appTimeline, cred, iso, ok, pod } from "../../support/dynamic-fixtures.ts";

const EV = ["dynamic/app-samples.jsonl", "dynamic/pod-samples.jsonl"];
const WINDOW = 50_000;
const samples = appTimeline(WINDOW, 2_000);
const pods = [pod(T0), pod(T0 + 25_000), pod(T0 + WINDOW + 1_000)];

describe("D2: credentials rotate while the app keeps serving from the same pod", () => {
  it("passes when every response is 200, identities change, and the pod is the same and unrestarted", () => {
    const v = judgeD2(samples, pods, EV);
    expect(v.verdict).toBe("pass");
    expect(v.reasons.at(-1)).toMatch(/^4 distinct identities/);
  });

  it("fails when only one identity is seen: no rotation happened", () => {
    const one = samples.slice(0, 5);
    const v = judgeD2(one, [pod(T0), pod(T0 + 12_000)], EV);
    expect(v.verdict).toBe("fail");
    expect(v.reasons.at(-1)).toMatch(/no rotation observed: 1 distinct/);
  });

  it("counts an identity the app reported only once", () => {
    const last = ok(T0 + WINDOW + 500, cred(9).username);
    const s = judgeServing([...samples.slice(0, 3), last], pods);
    expect(s.verdict).toBe("pass");
    expect(s.identities).toEqual([cred(0).username, cred(9).username]);
  });

  it("does not count a request in flight during a rotation as another identity", () => {
    const a = cred(0).username;
    const b = cred(1).username;
    const seq = [ok(T0 + 14_000, a), ok(T0 + 16_000, b), { ...ok(T0 + 16_010, a), durationMs: 900 }, ok(T0 + 18_000, b)];
    const s = judgeServing(seq, [pod(T0), pod(T0 + 20_000)]);
    expect(s.verdict).toBe("pass");
    expect(s.identities).toEqual([a, b]);
    expect(s.reasons.at(-1)).toMatch(/1 responses reported an earlier identity .* in flight during a rotation/);
  });

  it("fails when a response during a rotation is not 200 (a torn read of old user and new password)", () => {
    const torn = { at: iso(T0 + 15_200), status: 500, durationMs: 40, error: "HTTP 500" };
    const v = judgeD2([...samples, torn], pods, EV);
    expect(v.verdict).toBe("fail");
    expect(v.reasons[0]).toMatch(/1 of \d+ responses were not 200: .*500 \(HTTP 500\)/);
  });

  it("fails when the container restarted", () => {
    const v = judgeD2(samples, [pod(T0), pod(T0 + 25_000, 1), pod(T0 + WINDOW + 1_000, 1)], EV);
    expect(v.verdict).toBe("fail");
    expect(v.reasons.join("\n")).toMatch(/restartCount 0 → 1/);
  });

  it("fails when the pod was replaced", () => {
    const v = judgeD2(samples, [pod(T0), pod(T0 + WINDOW + 1_000, 0, "0f1e2d3c-0000-4000-8000-000000000001")], EV);
    expect(v.verdict).toBe("fail");
    expect(v.reasons.join("\n")).toMatch(/pod was replaced/);
  });

  it("fails a 200 that names a static user instead of a Vault dynamic one", () => {
    const v = judgeD2([...samples, ok(T0 + 49_900, "postgres")], pods, EV);
    expect(v.verdict).toBe("fail");
    expect(v.reasons[0]).toMatch(/no Vault dynamic identity: .*"postgres"/);
  });

  it("is inconclusive when the pod samples do not bracket the app samples", () => {
    const v = judgeD2(samples, [pod(T0 + 5_000), pod(T0 + WINDOW + 1_000)], EV);
    expect(v.verdict).toBe("inconclusive");
  });

  it("is inconclusive with no app samples at all", () => {
    expect(judgeD2([], pods, EV).verdict).toBe("inconclusive");
  });

  it("fails when the app could not be reached", () => {
    const down = { at: iso(T0 + 3_000), status: 0, error: "ECONNREFUSED" };
    expect(judgeServing([...samples, down], pods).verdict).toBe("fail");
  });
});
