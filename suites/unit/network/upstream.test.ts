import { describe, expect, it } from "vitest";
import { parseHubbleFlows } from "../../../harness/claims/network/flows.ts";
import { judgeCiliumConfig, judgeHubbleCli, upstreamFailure } from "../../../harness/claims/network/upstream.ts";
import { T0, dropLine, execRecord } from "./samples.ts";

const cli = (over = {}) =>
  execRecord({ namespace: "kube-system", pod: "ds/cilium", container: "cilium-agent", command: ["hubble", "observe", "--last", "20", "--output", "json"], exitCode: 0, stderr: "", stdout: `${dropLine(T0)}\n`, ...over });

describe("upstream behaviours N1 relies on, checked first", () => {
  it("accept the chart's defaults: enforcement default, no audit mode key, Hubble on", () => {
    const checks = judgeCiliumConfig({ "enable-policy": "default", "enable-hubble": "true" });
    expect(checks.every((c) => c.ok)).toBe(true);
    expect(upstreamFailure(checks)).toBeUndefined();
  });

  it("accept a deny response of none as the chart renders it, and refuse icmp, naming the key", () => {
    expect(judgeCiliumConfig({ "enable-policy": "default", "enable-hubble": "true", "policy-deny-response": "none" }).every((c) => c.ok)).toBe(true);
    const msg = upstreamFailure(judgeCiliumConfig({ "enable-policy": "default", "enable-hubble": "true", "policy-deny-response": "icmp" }));
    expect(msg).toMatch(/denied packet with nothing \(policy-deny-response none\): cilium-config policy-deny-response is "icmp"/);
    expect(msg?.split("\n")).toHaveLength(2);
  });

  it("name each behaviour that does not hold", () => {
    const msg = upstreamFailure(judgeCiliumConfig({ "enable-policy": "always", "policy-audit-mode": "true" }));
    expect(msg).toMatch(/policy enforcement mode is default .*enable-policy is "always"/);
    expect(msg).toMatch(/audit mode is off.*policy-audit-mode is "true"/);
    expect(msg).toMatch(/Hubble is enabled.*enable-hubble is null/);
  });

  it("the hubble CLI check passes on a flow in the upstream JSON shape", () => {
    expect(judgeHubbleCli(cli()).ok).toBe(true);
  });

  it("the hubble CLI check passes when the newest record is a lost-events notice and flows precede it", () => {
    const lost = JSON.stringify({ lost_events: { source: "HUBBLE_RING_BUFFER", num_events_lost: "12", cpu: null }, node_name: "secretproof-control-plane", time: "2026-12-01T17:10:01.000000000Z" });
    const r = judgeHubbleCli(cli({ stdout: `${dropLine(T0)}\n${dropLine(T0 + 100)}\n${lost}\n` }));
    expect(r).toMatchObject({ ok: true, detail: expect.stringMatching(/returned 2 flow\(s\), and 1 other record\(s\)$/) });
    expect(judgeHubbleCli(cli({ stdout: `${lost}\n` })).detail).toMatch(/printed no flow: line 1: no "flow" object/);
  });

  it("the hubble CLI check fails on a missing binary, an empty buffer or another output format", () => {
    expect(judgeHubbleCli(cli({ exitCode: 127, stdout: "", stderr: 'exec: "hubble": executable file not found in $PATH\n' })).detail).toMatch(/exited 127.*executable file not found/);
    expect(judgeHubbleCli(cli({ stdout: "" })).detail).toMatch(/printed no flow \(an empty flow buffer\)/);
    expect(judgeHubbleCli(cli({ stdout: "Dec  1 17:10:00.123: a -> b to-endpoint FORWARDED\n" })).detail).toMatch(/line 1: not JSON/);
    expect(judgeHubbleCli(cli({ stdout: `${dropLine(T0)}\nDec  1 17:10:00.123: a -> b to-endpoint FORWARDED\n` })).detail).toMatch(/printed lines that are not JSON: line 2: not JSON/);
  });
});

describe("hubble output parsing", () => {
  it("keeps every flow and names what is not one", () => {
    const p = parseHubbleFlows(`${dropLine(T0)}\n\n{"node_status":{"state_change":"NODE_CONNECTED"}}\n{oops\n`);
    expect(p.flows).toHaveLength(1);
    expect(p.malformed).toEqual(['line 3: no "flow" object (a node status or other event)', "line 4: not JSON"]);
  });
});
