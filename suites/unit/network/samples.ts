import type { AppProbe } from "../../../harness/attack/app-probe.ts";
import type { ExecRecord, N1Evidence, N1Target } from "../../../harness/claims/network/types.ts";
import { exfilCommand } from "../../../harness/claims/network/collect.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { ciliumPodLabels } from "../../support/cilium-labels.ts";

export const T0 = Date.parse("2026-12-01T17:10:00.000Z");
export const APP_POD = "secure-test-app-6d4b9c7f8-k2l9p";
export const SINK_POD = "exfil-sink-5f7c6d9b8-q8w2e";
export const CLIENT_POD = "exfil-client-7b8d5c4f6-z9x8c";
export const PROGRAM = exfilCommand(PROFILES.ci)[2]!;

export const target: N1Target = {
  app: { namespace: "test-dynamic", pod: APP_POD, labels: { "app.kubernetes.io/name": "secure-test-app" }, ip: "10.244.0.57" },
  sink: { namespace: "secretproof-sink", pod: SINK_POD, ip: "10.244.0.91", port: 8080, host: "exfil-sink.secretproof-sink.svc" },
};

const labels = ciliumPodLabels;

/**
 * A policy drop of the app's SYN to the sink, as `hubble observe -o json`
 * prints it: the GetFlowsResponse with flow.proto's field names (protojson:
 * enums by name, zero values omitted, uint64 as strings).
 */
export function dropLine(ms: number, over: Record<string, unknown> = {}): string {
  const time = new Date(ms).toISOString().replace("Z", "123456Z");
  const flow = {
    time,
    uuid: "5a1f3a2e-8c0d-4b7e-9f61-0d2c3b4a5e6f",
    verdict: "DROPPED",
    drop_reason: 133,
    ethernet: { source: "0a:58:0a:f4:00:39", destination: "6e:0b:1c:2d:3e:4f" },
    IP: { source: "10.244.0.57", destination: "10.244.0.91", ipVersion: "IPv4" },
    l4: { TCP: { source_port: 41872, destination_port: 8080, flags: { SYN: true } } },
    source: { ID: 1234, identity: 20145, namespace: "test-dynamic", labels: labels("test-dynamic", "secure-test-app"), pod_name: APP_POD, workloads: [{ name: "secure-test-app", kind: "Deployment" }] },
    destination: { ID: 987, identity: 31337, namespace: "secretproof-sink", labels: labels("secretproof-sink", "exfil-sink"), pod_name: SINK_POD, workloads: [{ name: "exfil-sink", kind: "Deployment" }] },
    Type: "L3_L4",
    node_name: "secretproof-control-plane",
    event_type: { type: 1, sub_type: 133 },
    traffic_direction: "EGRESS",
    drop_reason_desc: "POLICY_DENIED",
    Summary: "TCP Flags: SYN",
    ...over,
  };
  return JSON.stringify({ flow, node_name: "secretproof-control-plane", time });
}

export function execRecord(over: Partial<ExecRecord> = {}): ExecRecord {
  return {
    namespace: "test-dynamic",
    pod: APP_POD,
    container: "web",
    command: ["python3", "-c", PROGRAM],
    startedAt: new Date(T0).toISOString(),
    durationMs: 5600,
    exitCode: 1,
    origin: "remote",
    stdout: "",
    stderr: 'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n  File "/usr/local/lib/python3.12/socket.py", line 865, in create_connection\n    raise exceptions[0]\nTimeoutError: timed out\n',
    ...over,
  };
}

export const control = execRecord({ namespace: "secretproof-sink", pod: CLIENT_POD, container: "client", exitCode: 0, stdout: "connected\n", stderr: "", durationMs: 80 });

export function probe(ms: number, over: Partial<AppProbe> = {}): AppProbe {
  return { at: new Date(ms).toISOString(), ms, durationMs: 40, status: 200, dbUser: "v-kubernet-dynamic-Xk2Lw9QmZr7TyPb4NcHd-1795000000", pid: 1, ...over };
}

export function evidence(over: Partial<N1Evidence> = {}): N1Evidence {
  return {
    target,
    attempt: execRecord(),
    control,
    flowsText: `${dropLine(T0 + 1200)}\n${dropLine(T0 + 2200)}\n`,
    probes: [probe(T0 - 1000), probe(T0 + 2000), probe(T0 + 4000), probe(T0 + 6000)],
    slackMs: 500,
    ...over,
  };
}
