import { describe, expect, it } from "vitest";
import { parseHubbleFlows } from "../../../harness/claims/network/flows.ts";
import { judgeAppServing, judgeAttemptFailed, judgeControl, judgeDropRecorded, judgeN1 } from "../../../harness/claims/network/judge.ts";
import { T0, control, dropLine, evidence, execRecord, probe, target } from "./samples.ts";

const window = { from: T0 - 500, to: T0 + 6100 };
const flows = (...lines: string[]) => parseHubbleFlows(lines.join("\n")).flows;

describe("N1: exfiltration is stopped at the network", () => {
  it("passes on a failed attempt, Hubble's policy drop of it, an app still serving, and a control that got through", () => {
    const v = judgeN1(evidence());
    expect(v.verdict, v.reasons.join("\n")).toBe("pass");
    expect(v.negativeControl?.verdict).toBe("pass");
    expect(v.reasons.join("\n")).toMatch(/Hubble recorded the drop: .* DROPPED \(POLICY_DENIED\) test-dynamic\/secure-test-app-.* -> secretproof-sink\/exfil-sink-.*:8080/);
  });

  it("fails when the attempt connected, whatever Hubble says", () => {
    const v = judgeN1(evidence({ attempt: execRecord({ exitCode: 0, stdout: "connected\n", stderr: "" }) }));
    expect(v.verdict).toBe("fail");
    expect(v.reasons.join()).toMatch(/connected to the sink/);
  });

  it("is inconclusive when the control could not reach the sink either", () => {
    const v = judgeN1(evidence({ control: { ...control, exitCode: 1, stdout: "", stderr: "TimeoutError: timed out\n" } }));
    expect(v.verdict).toBe("inconclusive");
    expect(v.negativeControl?.verdict).toBe("fail");
  });
});

describe("the attempt's own failure", () => {
  it("counts a connection timeout or refusal", () => {
    expect(judgeAttemptFailed(execRecord()).verdict).toBe("pass");
    expect(judgeAttemptFailed(execRecord({ stderr: "ConnectionRefusedError: [Errno 111] Connection refused\n" })).verdict).toBe("pass");
  });

  it("does not count a name that failed to resolve: no connection was attempted", () => {
    const r = judgeAttemptFailed(execRecord({ stderr: "socket.gaierror: [Errno -3] Temporary failure in name resolution\n" }));
    expect(r.verdict).toBe("fail");
    expect(r.reasons.join()).toMatch(/name resolution/);
  });

  it("does not count kubectl failing to exec", () => {
    expect(judgeAttemptFailed(execRecord({ origin: "kubectl", stderr: "error: unable to upgrade connection\n" })).verdict).toBe("fail");
  });
});

describe("Hubble's record of the drop", () => {
  it("matches a DROPPED, POLICY_DENIED egress flow from the app pod to the sink within the window", () => {
    expect(judgeDropRecorded(flows(dropLine(T0 + 1200)), target, window).verdict).toBe("pass");
  });

  it("matches by the sink's IP when Hubble has no pod for the destination", () => {
    const f = dropLine(T0 + 1200, { destination: { identity: 2, labels: ["reserved:world"] } });
    expect(judgeDropRecorded(flows(f), target, window).verdict).toBe("pass");
  });

  const misses: [string, string][] = [
    ["outside the attempt window", dropLine(T0 + 9000)],
    ["a forwarded flow", dropLine(T0 + 1200, { verdict: "FORWARDED", drop_reason_desc: undefined })],
    ["an audit verdict (policy audit mode)", dropLine(T0 + 1200, { verdict: "AUDIT" })],
    ["another drop reason", dropLine(T0 + 1200, { drop_reason_desc: "CT_MAP_INSERTION_FAILED" })],
    ["an ingress drop", dropLine(T0 + 1200, { traffic_direction: "INGRESS" })],
    ["another port", dropLine(T0 + 1200, { l4: { TCP: { source_port: 41872, destination_port: 5432, flags: { SYN: true } } } })],
    ["another source pod", dropLine(T0 + 1200, { source: { namespace: "test-dynamic", pod_name: "other", labels: ["k8s:app.kubernetes.io/name=secure-test-app"] } })],
    ["a source without the app's labels", dropLine(T0 + 1200, { source: { namespace: "test-dynamic", pod_name: target.app.pod, labels: [] } })],
    ["another destination", dropLine(T0 + 1200, { IP: { source: "10.244.0.57", destination: "10.244.0.12" }, destination: { namespace: "kube-system", pod_name: "coredns-1" } })],
  ];
  for (const [what, line] of misses) {
    it(`does not count ${what}`, () => {
      expect(judgeDropRecorded(flows(line), target, window).verdict).toBe("fail");
    });
  }

  it("says which flows between the two it saw when none matched", () => {
    const r = judgeDropRecorded(flows(dropLine(T0 + 9000)), target, window);
    expect(r.reasons.join("\n")).toMatch(/flows between the two outside that: 2026-12-01T17:10:09/);
  });
});

describe("the app's own database traffic", () => {
  const a = execRecord();
  it("passes when every probe from the attempt on answered 200 with a v- identity, one after it", () => {
    expect(judgeAppServing([probe(T0 + 100), probe(T0 + 6000)], a).verdict).toBe("pass");
  });
  it("fails on a 503 during the attempt", () => {
    expect(judgeAppServing([probe(T0 + 100, { status: 503, dbUser: undefined }), probe(T0 + 6000)], a).verdict).toBe("fail");
  });
  it("fails without a probe after the attempt", () => {
    expect(judgeAppServing([probe(T0 + 100)], a).reasons.join()).toMatch(/no request to the app after the attempt/);
  });
});

describe("the negative control", () => {
  it("passes only when the unselected pod connected", () => {
    expect(judgeControl(control).verdict).toBe("pass");
    expect(judgeControl({ ...control, stdout: "" }).verdict).toBe("fail");
  });
});
