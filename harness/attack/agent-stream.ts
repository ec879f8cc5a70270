import type { FalcoCollectorOptions } from "../falco/collector.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import type { AgentWhere } from "./where.ts";

/** Where an agent's stream is read: a pod, a DaemonSet or a selector, with its namespace and container. */
export interface StreamSource {
  namespace: string;
  container: string;
  selector?: string;
  pod?: string;
  daemonSet?: string;
}

/** An agent pod as `kubectl get pods -o json` lists it, the fields the choice reads. */
export interface AgentPodJson {
  metadata: { name: string; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: { phase?: string; conditions?: { type: string; status: string }[]; containerStatuses?: { name: string; ready: boolean }[] };
}

/**
 * The agent pod on `node`: Running, Ready, its stream container ready. A
 * DaemonSet agent sees only its own node's processes, so the attacked pod's
 * node decides which one is read: `kubectl logs -f ds/<name>` follows one pod
 * of the DaemonSet (GetFirstPod, ordered by podutils.ByLogging: "Found N
 * pods, using pod/X"; kubernetes/kubernetes@008b3652959c
 * staging/src/k8s.io/kubectl/pkg/polymorphichelpers/logsforobject.go), not
 * necessarily that node's, and `-l <selector>` follows every matching pod but
 * refuses more than --max-log-requests (default 5) (kubernetes/kubernetes@00083d153575
 * staging/src/k8s.io/kubectl/pkg/cmd/logs/logs.go, AddFlags and RunLogs).
 * Throws naming the node and what was found. Pure.
 */
export function agentPodOn(pods: readonly AgentPodJson[], agent: AgentWhere, node: string | undefined, what: string): string {
  if (!node) throw new Error(`the attacked pod has no node yet, so which ${what} pod to read is unknown`);
  const found = readyPodOn(pods, node, agent.container);
  if (found.name) return found.name;
  throw new Error(`no Ready ${what} pod (${agent.selector}, container ${agent.container}) in ${agent.namespace} on node ${node}: found ${found.seen}`);
}

/** A pod as readyPodOn reads it: every field optional, as kubectl's JSON may leave them out. */
export interface NodePodJson {
  metadata?: { name?: string; deletionTimestamp?: string };
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: { type?: string; status?: string }[]; containerStatuses?: { name?: string; ready?: boolean }[] };
}

/**
 * The first pod on `node` that is Running, Ready (every container ready:
 * kubernetes pkg/kubelet/status/generate.go GeneratePodReadyCondition), not
 * being deleted, and, when `container` is given, with that container ready;
 * and the pods found on the node, for the error when there is none. Pure.
 */
export function readyPodOn(pods: readonly NodePodJson[], node: string, container?: string): { name?: string; seen: string } {
  const here = pods.filter((p) => p.spec?.nodeName === node);
  const ready = here.find(
    (p) =>
      !p.metadata?.deletionTimestamp &&
      p.status?.phase === "Running" &&
      p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") &&
      (container === undefined || p.status.containerStatuses?.some((c) => c.name === container && c.ready)),
  );
  const seen = here.map((p) => `${p.metadata?.name ?? "?"} (phase ${p.status?.phase ?? "?"}${p.metadata?.deletionTimestamp ? ", being deleted" : ""})`).join(", ") || "none";
  return { ...(ready?.metadata?.name ? { name: ready.metadata.name } : {}), seen };
}

/** Resolves where to read an agent: its selector or DaemonSet as given, or its pod on `node` (list pods only). */
export async function streamSource(kube: Pick<Kubectl, "json">, agent: AgentWhere, node: string | undefined, what: string): Promise<StreamSource> {
  const base = { namespace: agent.namespace, container: agent.container };
  if ("selector" in agent.follow) return { ...base, selector: agent.selector };
  if ("daemonSet" in agent.follow) return { ...base, daemonSet: agent.follow.daemonSet };
  const pods = await kube.json<{ items: AgentPodJson[] }>(["-n", agent.namespace, "get", "pods", "-l", agent.selector]);
  return { ...base, pod: agentPodOn(pods.items, agent, node, what) };
}

/** The Falco collector's options for a source (a selector or a pod). */
export function falcoOptions(kubeContext: string, src: StreamSource): FalcoCollectorOptions {
  if (src.daemonSet) throw new Error(`the Falco stream is read by selector or pod, not DaemonSet ${src.daemonSet}`);
  return { kubeContext, namespace: src.namespace, container: src.container, ...(src.pod ? { pod: src.pod } : { selector: src.selector }) };
}
