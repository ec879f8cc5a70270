import { describe, expect, it } from "vitest";
import type { AppProbe } from "../../../harness/attack/app-probe.ts";
import { judgeT2 } from "../../../harness/claims/enforcement/app.ts";
import { SLACK_MS } from "../../../harness/claims/detection/judge.ts";
import type { EnforcementEvidence, ObservedPod } from "../../../harness/claims/enforcement/judge.ts";
import { UNCONTRACTED, uncontracted } from "../../../harness/audit/enforcement-observe.ts";
import { POD, T0 } from "../../support/falco-samples.ts";
import { POLICY } from "../../support/tetragon-samples.ts";

const pod: ObservedPod = { ...POD, restartCount: 0, labels: { app: "payments-api" }, at: new Date(T0 - 1000).toISOString() };
const after: ObservedPod = { ...pod, at: new Date(T0 + 31_000).toISOString() };
/** An answer of an app that is not the demo app: a status, no pid, no db_user. */
const answer = (i: number, status = 200): AppProbe => {
  const ms = T0 + 1000 + i * 5000;
  return { at: new Date(ms).toISOString(), ms, durationMs: 20, status };
};
const plain = [answer(0), answer(1), answer(2)];

function evidence(over: Partial<EnforcementEvidence> = {}, phase: Partial<EnforcementEvidence["phase"]> = {}): EnforcementEvidence {
  return {
    catalogue: { environment: { ptraceScope: "1", conditions: [] }, attacks: [] },
    priorities: {}, podBefore: pod, podAfter: after, attempts: [], alerts: [], drops: 0, events: [], barriers: [], probes: plain,
    phase: { policy: POLICY, enforcingFromMs: T0 - 500, attacksEndMs: T0 + 20_000, removedAtMs: T0 + 30_000, ...phase },
    slackMs: SLACK_MS,
    ...over,
  };
}

describe("T2 for an audited app whose answers carry no pid/db_user", () => {
  it("the audit finds the answers outside the demo app's contract only when none carries either", () => {
    expect(uncontracted(plain)).toBe(true);
    expect(uncontracted([...plain, { ...answer(3), pid: 1 }])).toBe(false);
    expect(uncontracted([...plain, { ...answer(3), dbUser: "v-kubernetes-dyn-a-1" }])).toBe(false);
    expect(uncontracted([])).toBeUndefined();
  });

  it("is inconclusive naming the contract when every answer was 200 and the pod unharmed", () => {
    const v = judgeT2(evidence({}, { answersUncontracted: UNCONTRACTED }));
    expect(v.verdict, v.reasons.join("\n")).toBe("inconclusive");
    expect(v.reasons[0]).toMatch(/^the app's answers carry no pid\/db_user \(the demo app's contract\): whether every answer came from PID 1 and two DB identities rotated through is not shown; all 3 answers were 200/);
  });

  it("still fails on an answer that is not 200, or a restart", () => {
    const failed = judgeT2(evidence({ probes: [...plain, answer(3, 503)] }, { answersUncontracted: UNCONTRACTED }));
    expect(failed.verdict).toBe("fail");
    expect(failed.reasons).toContain("1 of 4 answers were not 200");
    expect(judgeT2(evidence({ podAfter: { ...after, restartCount: 1 } }, { answersUncontracted: UNCONTRACTED })).verdict).toBe("fail");
  });

  it("fails as before in a bundle that does not state the contract is absent (the suites')", () => {
    const v = judgeT2(evidence());
    expect(v.verdict).toBe("fail");
    expect(v.reasons.join("\n")).toMatch(/3 answers came from a process other than PID 1/);
  });
});
