import { podState, type AppPodState, type PodJson } from "../attack/app-pod.ts";
import { probeApp, type AppProbe } from "../attack/app-probe.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import { sigkilledExits, type TetragonEvent } from "./event.ts";

/**
 * Right after the policy is proven enforcing, the app must still answer 200
 * from PID 1, in the same container. The policy spares the app only if
 * Tetragon knows the app's process as namespace PID 1: `matchPIDs NotIn [1]`
 * with `isNamespacePID` and without followForks compares the process's
 * recorded nspid with 1 (cilium/tetragon v1.7.0 bpf/process/pfilter.h:89-105,
 * 128-129). A process exec'd while the agent runs gets its nspid from the
 * kernel; a process the agent found in its startup scan of /proc gets nspid 0
 * when no container id is found in /proc/<pid>/cgroup
 * (pkg/sensors/exec/procevents/proc_reader_linux.go:237, 286-293, 411). If the
 * agent started after the app, the app can be that process, and `NotIn [1]`
 * then matches the app itself: the policy kills it on its next read.
 */
export interface PolicyLoadObservation {
  /** The app pod before the policy was applied. */
  before: AppPodState;
  /** The same pod after the proof of enforcement, or why it could not be read. */
  after: AppPodState | { error: string };
  /** A request made after the proof of enforcement. */
  probe: AppProbe;
  /** SIGKILL exits of the app container's PID 1 that Tetragon reported since the policy was applied. */
  appKills: { time: string; binary?: string }[];
  /** When the Tetragon agent container on the app's node started (state.running.startedAt). */
  agentStartedAt?: string;
}

/** What is wrong with the app after the policy loaded (empty when it is unharmed). */
export function policyLoadProblems(o: PolicyLoadObservation): string[] {
  const p: string[] = [];
  if (o.probe.status !== 200) p.push(`a request after the policy loaded got ${o.probe.status || `no answer (${o.probe.error ?? "no error"})`}`);
  else if (o.probe.pid !== 1) p.push(`a request after the policy loaded was answered by PID ${o.probe.pid ?? "?"}, not PID 1`);
  if ("error" in o.after) p.push(`the app pod could not be read after the policy loaded: ${o.after.error}`);
  else {
    if (o.after.uid !== o.before.uid) p.push(`the app pod was replaced (uid ${o.before.uid} -> ${o.after.uid})`);
    if (o.after.restartCount !== o.before.restartCount) p.push(`the app container restarted (restartCount ${o.before.restartCount} -> ${o.after.restartCount})`);
    else if (o.after.containerId !== o.before.containerId) p.push(`the app container changed (${o.before.containerId.slice(0, 12)} -> ${o.after.containerId.slice(0, 12)})`);
  }
  for (const k of o.appKills) p.push(`Tetragon reported a SIGKILL of the app's PID 1 (${k.binary ?? "?"}) at ${k.time}`);
  return p;
}

/** Which of the agent and the app started first, as far as the pod statuses tell. */
function startOrder(o: PolicyLoadObservation): string {
  const agent = o.agentStartedAt;
  const app = o.before.startedAt;
  if (!agent || !app) return `the start times are unknown (agent ${agent ?? "?"}, app container ${app ?? "?"})`;
  if (Date.parse(agent) > Date.parse(app)) return `the Tetragon agent started at ${agent}, after the app container (${app}): it learned the app's process from that scan`;
  return `yet the Tetragon agent started at ${agent}, before the app container (${app}), so it saw the app's exec: look at the recorded Tetragon events for the cause`;
}

/** The failure message, naming the likely cause. */
export function policyLoadMessage(o: PolicyLoadObservation, problems: readonly string[]): string {
  return (
    `the app stopped answering after the policy loaded: ${problems.join("; ")}. ` +
    "Tetragon likely learned PID 1 from its /proc scan with nspid 0 (no container id in its cgroup: " +
    "cilium/tetragon v1.7.0 pkg/sensors/exec/procevents/proc_reader_linux.go:286-293), and without followForks " +
    "`NotIn [1]` then matches the app itself (bpf/process/pfilter.h:98-103); " +
    `${startOrder(o)}. Restarting the app after the agent is up gives it an nspid from the kernel.`
  );
}

/** The Tetragon agent container's start on `node` (the chart's DaemonSet pods: app.kubernetes.io/name=tetragon). */
async function agentStartedAt(kube: Kubectl, node: string | undefined): Promise<string | undefined> {
  const pods = await kube.json<{ items: PodJson[] }>(["-n", "kube-system", "get", "pods", "-l", "app.kubernetes.io/name=tetragon"]);
  const pod = pods.items.find((p) => node === undefined || p.spec.nodeName === node);
  return pod?.status.containerStatuses?.find((c) => c.name === "tetragon")?.state?.running?.startedAt;
}

/**
 * Observes the app once the policy is proven enforcing: a request, the pod,
 * the agent's start, and Tetragon's kills of PID 1. `forward` is the
 * port-forward the request goes through: its exit becomes the request's error.
 */
export async function observePolicyLoad(
  kube: Kubectl,
  forward: { readonly url: string; readonly signal: AbortSignal },
  before: AppPodState,
  events: () => readonly TetragonEvent[],
  appliedAtMs: number,
  timeoutMs: number,
): Promise<PolicyLoadObservation> {
  const probe = await probeApp(forward.url, timeoutMs, forward.signal);
  const after = await podState(kube, before.name).catch((err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }));
  const agent = await agentStartedAt(kube, before.nodeName).catch(() => undefined);
  const kills = sigkilledExits(events(), before, appliedAtMs, Number.MAX_SAFE_INTEGER).filter((e) => e.process.pod?.container?.pid === 1);
  return { before, after, probe, appKills: kills.map((k) => ({ time: k.time, binary: k.process.binary })), agentStartedAt: agent };
}
