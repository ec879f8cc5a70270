import { toMs } from "../../../clusters/duration.ts";
import { APP_EGRESS_POLICY, APP_SELECTOR, CILIUM, NS, SINK, SINK_CLIENT_SELECTOR, SINK_SELECTOR } from "../../../clusters/names.ts";
import type { ExecResult } from "../../core/exec.ts";
import { execExit } from "../../kube/exec-exit.ts";
import type { Kubectl } from "../../kube/kubectl.ts";
import { findAppPod } from "../../attack/app-pod.ts";
import type { Profile } from "../../profile.ts";
import { checkedFirst } from "./checked-first.ts";
import type { ExecRecord, N1Target } from "./types.ts";

/** Every exit code is a result here: the judge, not kubectl, decides what it means. */
const ANY_EXIT = Array.from({ length: 256 }, (_, i) => i);

/**
 * The attempt: connect to the sink's Service by name and print "connected",
 * giving up after the profile's waits.exfilConnect (Python's socket timeout
 * is in seconds). The same program as the catalogue's exfil-python entry,
 * which holds it as a literal: a unit test fails when the catalogue differs
 * from it under any profile. It reads no secret, so its output is safe to record.
 */
export function exfilProgram(host: string, port: number, connectTimeoutMs: number): string {
  return `import socket; s = socket.create_connection(('${host}', ${port}), timeout=${connectTimeoutMs / 1000}); s.close(); print('connected')`;
}

/** The attempt as exec'd in the app pod and in the control's client pod, under `profile`. */
export function exfilCommand(profile: Pick<Profile, "waits">): string[] {
  return ["python3", "-c", exfilProgram(SINK.host, SINK.port, toMs(profile.waits.exfilConnect))];
}

function record(namespace: string, pod: string, container: string, command: readonly string[], r: ExecResult): ExecRecord {
  const exit = execExit(r.exitCode, r.stderr);
  return { namespace, pod, container, command: [...command], startedAt: r.startedAt, durationMs: r.durationMs, exitCode: exit.exitCode, origin: exit.origin, stdout: r.stdout, stderr: exit.stderr };
}

/** Runs `command` in a pod's container and records it, whatever it exits with. */
export async function execIn(kube: Kubectl, namespace: string, pod: string, container: string, command: readonly string[], timeoutMs: number): Promise<ExecRecord> {
  const r = await kube.exec(namespace, pod, command, { container, okExitCodes: ANY_EXIT, timeoutMs });
  return record(namespace, pod, container, command, r);
}

/** `hubble observe …` inside the Cilium agent (the CLI the agent image ships, talking to the agent's socket). */
export function hubbleObserve(kube: Kubectl, args: readonly string[], timeoutMs: number): Promise<ExecRecord> {
  return execIn(kube, CILIUM.namespace, `ds/${CILIUM.daemonSet}`, CILIUM.container, ["hubble", "observe", ...args, "--output", "json"], timeoutMs);
}

/**
 * Dropped flows recorded since `since` (RFC 3339): the judge picks the
 * attempt's among them. With --since the CLI asks for every flow since then;
 * it falls back to the last 20 only when neither --since nor --until is given
 * (cilium/cilium hubble/cmd/observe/flows.go getFlowsRequest), and it parses
 * an RFC 3339 time (hubble/pkg/time/time.go FromString layouts).
 */
export function droppedFlowsSince(kube: Kubectl, since: string, timeoutMs: number): Promise<ExecRecord> {
  return hubbleObserve(kube, ["--verdict", "DROPPED", "--since", since], timeoutMs);
}

export async function ciliumConfig(kube: Kubectl): Promise<Record<string, string> | undefined> {
  const cm = await kube.json<{ data?: Record<string, string> }>(["-n", CILIUM.namespace, "get", "configmap", "cilium-config"]);
  return cm.data;
}

export function appEgressPolicy(kube: Kubectl): Promise<Record<string, unknown>> {
  return kube.json(["-n", APP_EGRESS_POLICY.namespace, "get", "ciliumnetworkpolicies.cilium.io", APP_EGRESS_POLICY.name]);
}

interface PodList {
  items: { metadata: { name: string; deletionTimestamp?: string; labels?: Record<string, string> }; status: { phase?: string; podIP?: string } }[];
}

async function onePod(kube: Kubectl, namespace: string, selector: Record<string, string>): Promise<{ name: string; ip: string }> {
  const l = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(",");
  const pods = await kube.json<PodList>(["-n", namespace, "get", "pods", "-l", l]);
  const live = pods.items.filter((p) => !p.metadata.deletionTimestamp && p.status.phase === "Running" && p.status.podIP);
  if (live.length !== 1) throw new Error(`expected one running pod with an IP in ${namespace} (selector ${l}), found ${live.map((p) => p.metadata.name).join(", ") || "none"}`);
  const p = live[0]!;
  return { name: p.metadata.name, ip: p.status.podIP! };
}

/** The app pod (its selector labels) and the sink pod the attempt runs between, and the client pod of the control; the three looked up at once. */
export async function findTargets(kube: Kubectl): Promise<{ target: N1Target; client: string }> {
  const appWithIp = findAppPod(kube).then(async (app) => ({ app, ip: await kube.json<{ status: { podIP?: string } }>(["-n", NS.app, "get", "pod", app.name]) }));
  const [{ app, ip }, sink, client] = await checkedFirst(appWithIp, onePod(kube, SINK.namespace, SINK_SELECTOR), onePod(kube, SINK.namespace, SINK_CLIENT_SELECTOR));
  const target: N1Target = {
    app: { namespace: NS.app, pod: app.name, labels: appSelectorLabels(app.labels), ...(ip.status.podIP ? { ip: ip.status.podIP } : {}) },
    sink: { namespace: SINK.namespace, pod: sink.name, ip: sink.ip, port: SINK.port, host: SINK.host },
  };
  return { target, client: client.name };
}

/** The app pod's labels the policy selects on (the rest, like pod-template-hash, says nothing about the policy). */
function appSelectorLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => k in APP_SELECTOR));
}
