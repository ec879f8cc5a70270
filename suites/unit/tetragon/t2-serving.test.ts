import { describe, expect, it } from "vitest";
import type { AppProbe } from "../../../harness/attack/app-probe.ts";
import { judgeAppReads, judgeT2 } from "../../../harness/claims/enforcement/app.ts";
import { loadMutationCatalogue } from "../../../harness/mutations/catalogue.ts";
import { mutationOutcome } from "../../../harness/mutations/outcome.ts";
import { CLAIM_IDS } from "../../../harness/claims/verdict.ts";
import { SLACK_MS } from "../../../harness/claims/detection/judge.ts";
import type { EnforcementEvidence, ObservedPod } from "../../../harness/claims/enforcement/judge.ts";
import { parseTetragonStream } from "../../../harness/tetragon/event.ts";
import { POD, T0 } from "../../support/falco-samples.ts";
import { POLICY, exitLine } from "../../support/tetragon-samples.ts";

const pod: ObservedPod = { ...POD, restartCount: 0, labels: { app: "secure-test-app" }, at: new Date(T0 - 1000).toISOString() };
const after: ObservedPod = { ...pod, at: new Date(T0 + 31_000).toISOString() };
const probe = (i: number, dbUser: string | undefined, over: Partial<AppProbe> = {}): AppProbe => {
  const ms = T0 + 1000 + i * 5000;
  return { at: new Date(ms).toISOString(), ms, durationMs: 20, status: 200, dbUser, pid: 1, ...over };
};
const rotating = [probe(0, "v-kubernetes-dyn-a-1"), probe(1, "v-kubernetes-dyn-a-1"), probe(2, "v-kubernetes-dyn-b-2")];

function evidence(over: Partial<EnforcementEvidence> = {}): EnforcementEvidence {
  return {
    catalogue: { environment: { ptraceScope: "1", conditions: [] }, attacks: [] },
    priorities: {}, podBefore: pod, podAfter: after, attempts: [], alerts: [], drops: 0, events: [], barriers: [], probes: rotating,
    phase: { policy: POLICY, enforcingFromMs: T0 - 500, attacksEndMs: T0 + 20_000, removedAtMs: T0 + 30_000 },
    slackMs: SLACK_MS,
    ...over,
  };
}
const t2 = (over: Partial<EnforcementEvidence> = {}) => judgeT2(evidence(over));

describe("T2: the app is unharmed while the policy enforces (judgeServing, as D2, plus PID 1)", () => {
  it("passes when every answer is 200 with a dynamic identity from PID 1, two identities rotate through, and the pod kept its UID and restartCount 0", () => {
    const v = t2();
    expect(v.verdict, v.reasons.join("\n")).toBe("pass");
    expect(v.reasons).toContain("all 3 responses were 200 with a dynamic identity");
    expect(v.reasons.join("\n")).toMatch(/every answer came from PID 1; 2 DB identities: v-kubernetes-dyn-a-1 → v-kubernetes-dyn-b-2/);
  });

  it("fails when an answer is 200 but carries no Vault dynamic identity", () => {
    const v = t2({ probes: [...rotating, probe(3, "postgres")] });
    expect(v.verdict).toBe("fail");
    expect(v.reasons.join("\n")).toMatch(/1 responses carried no Vault dynamic identity/);
  });

  it("fails when a request failed under enforcement", () => {
    expect(t2({ probes: [...rotating, probe(3, undefined, { status: 0, error: "ECONNREFUSED" })] }).verdict).toBe("fail");
  });

  it("fails when the pod was replaced, even with the same restartCount", () => {
    const v = t2({ podAfter: { ...after, uid: "another-uid" } });
    expect(v.verdict).toBe("fail");
    expect(v.reasons.join("\n")).toMatch(/the pod was replaced/);
  });

  it("fails when an answer came from a process other than PID 1", () => {
    expect(t2({ probes: [...rotating, probe(3, "v-kubernetes-dyn-b-2", { pid: 7 })] }).reasons.join("\n")).toMatch(/other than PID 1/);
  });

  it("fails when Tetragon SIGKILLed the app's PID 1", () => {
    const kill = exitLine(T0 + 8000, { execId: "YXBw", pid: 4100, binary: "/usr/local/bin/python3", args: "app.py", startMs: T0 - 60_000, containerPid: 1 }, "SIGKILL");
    const v = t2({ events: parseTetragonStream(kill, POD.namespace).events });
    expect(v.verdict).toBe("fail");
    expect(v.reasons.join("\n")).toMatch(/killed the app's PID 1/);
  });

  it("is inconclusive when the pod's last look came before the last answer: the samples do not bracket the phase", () => {
    const v = t2({ podAfter: { ...after, at: new Date(T0 + 7000).toISOString() } });
    expect(v.verdict).toBe("inconclusive");
    expect(v.reasons.join("\n")).toMatch(/do not bracket/);
  });

  it("passes on a reused cluster whose app container restarted before the phase, and reports those restarts", () => {
    const v = t2({ podBefore: { ...pod, restartCount: 2 }, podAfter: { ...after, restartCount: 2 } });
    expect(v.verdict, v.reasons.join("\n")).toBe("pass");
    expect(v.reasons.join("\n")).toMatch(/restartCount 2 unchanged \(2 restart\(s\) before the phase, not caused by it\)/);
    expect(t2().reasons.join("\n")).toMatch(/restartCount 0 unchanged$/m);
  });

  it("fails when the app container restarted during the phase, whatever its count before", () => {
    const v = t2({ podBefore: { ...pod, restartCount: 2 }, podAfter: { ...after, restartCount: 3 } });
    expect(v.verdict).toBe("fail");
    expect(v.reasons.join("\n")).toMatch(/restartCount 2 -> 3: the app container restarted during the phase \(2 restart\(s\) before the phase/);
    expect(t2({ podAfter: { ...after, restartCount: 1 } }).reasons.join("\n")).toMatch(/restartCount 0 -> 1: the app container restarted during the phase$/m);
  });

  it("fails when the pod was not looked at after the phase, or only one identity was seen", () => {
    expect(t2({ podAfter: undefined }).verdict).toBe("fail");
    expect(t2({ probes: rotating.slice(0, 2) }).verdict).toBe("fail");
  });
});

describe("the app's verdicts when the policy was never proven enforcing (the enforcing check refused)", () => {
  const refused = evidence({ phase: { policy: POLICY, enforcingFromMs: 0, attacksEndMs: 0 } });

  it("are inconclusive, saying there was no enforcing phase, not a failure the app caused", () => {
    for (const v of [judgeT2(refused), judgeAppReads(refused)]) {
      expect(v.verdict).toBe("inconclusive");
      expect(v.reasons).toEqual(["the policy was never proven enforcing, so there is no enforcing phase to judge the app in"]);
    }
    expect(judgeAppReads(evidence()).verdict).toBe("pass");
  });

  it("count as refused under the Tetragon mutations, whose declared outcome then holds", () => {
    const others = CLAIM_IDS.filter((c) => !["T1", "T2", "T3"].includes(c)).map((claim) => ({ claim, verdict: "pass" as const, reasons: [], evidence: [] }));
    const verdicts = [judgeT2(refused), judgeAppReads(refused), { claim: "T3" as const, verdict: "inconclusive" as const, reasons: [], evidence: [] }, ...others];
    for (const name of ["tetragon-monitor", "tetragon-follow-forks"]) {
      const m = loadMutationCatalogue().mutations.find((x) => x.name === name)!;
      expect(mutationOutcome(m, verdicts).ok, name).toBe(true);
    }
  });
});
