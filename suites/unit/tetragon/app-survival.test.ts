import { describe, expect, it } from "vitest";
import type { AppPodState } from "../../../harness/attack/app-pod.ts";
import type { AppProbe } from "../../../harness/attack/app-probe.ts";
import { policyLoadMessage, policyLoadProblems, type PolicyLoadObservation } from "../../../harness/tetragon/app-survival.ts";
import { POD, T0 } from "../../support/falco-samples.ts";

const before: AppPodState = { ...POD, restartCount: 0, labels: {}, startedAt: "2026-11-26T10:00:00Z", nodeName: "secretproof-control-plane" };
const ok: AppProbe = { at: new Date(T0).toISOString(), ms: T0, durationMs: 12, status: 200, dbUser: "v-kubernet-app-role-abc-1", pid: 1 };
const observed = (over: Partial<PolicyLoadObservation> = {}): PolicyLoadObservation => ({
  before, after: before, probe: ok, appKills: [], agentStartedAt: "2026-11-26T09:50:00Z", ...over,
});

describe("the app right after the TracingPolicy loads", () => {
  it("is unharmed when it answers 200 from PID 1 in the same, unrestarted container with no kill of PID 1", () => {
    expect(policyLoadProblems(observed())).toEqual([]);
  });

  it("is harmed when a request fails, or another PID answers", () => {
    expect(policyLoadProblems(observed({ probe: { ...ok, status: 0, pid: undefined, error: "TypeError: fetch failed" } }))).toEqual([
      "a request after the policy loaded got no answer (TypeError: fetch failed)",
    ]);
    expect(policyLoadProblems(observed({ probe: { ...ok, pid: 7 } }))).toEqual(["a request after the policy loaded was answered by PID 7, not PID 1"]);
  });

  it("is harmed when the container restarted, even if the new PID 1 answers: a process exec'd after the agent is spared", () => {
    expect(policyLoadProblems(observed({ after: { ...before, restartCount: 1, containerId: "f".repeat(64) } }))).toEqual([
      "the app container restarted (restartCount 0 -> 1)",
    ]);
    expect(policyLoadProblems(observed({ after: { ...before, containerId: "f".repeat(64) } }))).toEqual([`the app container changed (${POD.containerId.slice(0, 12)} -> ffffffffffff)`]);
    expect(policyLoadProblems(observed({ after: { ...before, uid: "other" } }))).toContain(`the app pod was replaced (uid ${POD.uid} -> other)`);
  });

  it("is harmed when Tetragon reported a SIGKILL of PID 1, or the pod could not be read", () => {
    const p = policyLoadProblems(observed({ appKills: [{ time: "2026-11-26T10:23:11Z", binary: "/usr/local/bin/python3.12" }], after: { error: "pods not found" } }));
    expect(p).toEqual([
      "the app pod could not be read after the policy loaded: pods not found",
      "Tetragon reported a SIGKILL of the app's PID 1 (/usr/local/bin/python3.12) at 2026-11-26T10:23:11Z",
    ]);
  });

  it("names the /proc scan's nspid 0 and the start order when the agent started after the app", () => {
    const o = observed({ agentStartedAt: "2026-11-26T10:05:00Z", after: { ...before, restartCount: 1 } });
    const m = policyLoadMessage(o, policyLoadProblems(o));
    expect(m).toMatch(/^the app stopped answering after the policy loaded: the app container restarted/);
    expect(m).toContain("Tetragon likely learned PID 1 from its /proc scan with nspid 0");
    expect(m).toContain("proc_reader_linux.go");
    expect(m).toContain("started at 2026-11-26T10:05:00Z, after the app container (2026-11-26T10:00:00Z)");
  });

  it("says the scan is not the cause when the agent started first, and when the start times are unknown", () => {
    const first = observed({ probe: { ...ok, status: 503 } });
    expect(policyLoadMessage(first, policyLoadProblems(first))).toContain("before the app container (2026-11-26T10:00:00Z), so it saw the app's exec");
    const unknown = observed({ agentStartedAt: undefined, probe: { ...ok, status: 503 } });
    expect(policyLoadMessage(unknown, policyLoadProblems(unknown))).toContain("the start times are unknown (agent ?, app container 2026-11-26T10:00:00Z)");
  });
});
