/** A pod as `kubectl get pods -o json` lists it, the fields the agent check reads. */
export interface PodJson {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: { type?: string; status?: string }[]; containerStatuses?: { name?: string; ready?: boolean; restartCount?: number }[] };
}

/** One workload pod: where it runs and its labels (what a policy's podSelector is matched against). */
export interface WorkloadPlacement {
  name: string;
  node?: string;
  labels: Record<string, string>;
}

/** One node a workload pod runs on, and the agent pod found there. */
export interface AgentOnNode {
  node: string;
  workloadPods: string[];
  /** The agent pod scheduled there, if any. */
  agentPod?: string;
  /** The pod is Ready and its named container reports ready. */
  ready: boolean;
  /** Why it does not count, when it does not. */
  problem?: string;
}

export function placementOf(pods: { items?: PodJson[] }): WorkloadPlacement[] {
  return (pods.items ?? [])
    .map((p) => ({ name: p.metadata?.name ?? "?", ...(p.spec?.nodeName ? { node: p.spec.nodeName } : {}), labels: p.metadata?.labels ?? {} }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function readiness(p: PodJson, container: string): string | undefined {
  const ready = p.status?.conditions?.find((c) => c.type === "Ready");
  if (ready?.status !== "True") return `pod ${p.metadata?.name} is not Ready (phase ${p.status?.phase ?? "?"}, Ready ${ready?.status ?? "absent"})`;
  const c = p.status?.containerStatuses?.find((s) => s.name === container);
  if (!c) return `pod ${p.metadata?.name} has no container ${container}`;
  if (!c.ready) return `container ${container} of pod ${p.metadata?.name} is not ready`;
  return undefined;
}

/**
 * Per node that runs a workload pod: the agent pod on it and whether it is
 * Ready with its named container ready (a DaemonSet agent only sees its own
 * node's processes). Nodes in name order. Pure.
 */
export function agentCoverage(workload: readonly WorkloadPlacement[], agents: { items?: PodJson[] }, container: string): AgentOnNode[] {
  const nodes = [...new Set(workload.flatMap((w) => (w.node ? [w.node] : [])))].sort();
  return nodes.map((node) => {
    const workloadPods = workload.filter((w) => w.node === node).map((w) => w.name);
    const here = (agents.items ?? []).filter((p) => p.spec?.nodeName === node);
    if (here.length === 0) return { node, workloadPods, ready: false, problem: `no agent pod runs on node ${node}` };
    const problems = here.map((p) => readiness(p, container));
    const ok = here.findIndex((_, i) => problems[i] === undefined);
    if (ok >= 0) return { node, workloadPods, agentPod: here[ok]?.metadata?.name ?? "?", ready: true };
    return { node, workloadPods, agentPod: here[0]?.metadata?.name ?? "?", ready: false, problem: problems.join("; ") };
  });
}

/** "Falco runs Ready on node a (pod f-1), node b (pod f-2)" or what is missing, naming the nodes and workload pods. Pure. */
export function describeCoverage(agent: string, workload: readonly WorkloadPlacement[], nodes: readonly AgentOnNode[]): { ok: boolean; text: string } {
  const unscheduled = workload.filter((w) => !w.node).map((w) => w.name);
  if (workload.length === 0) return { ok: false, text: `the workload has no pods, so where ${agent} must run is unknown` };
  const missing = nodes.filter((n) => !n.ready);
  const note = unscheduled.length ? `; pods ${unscheduled.join(", ")} are not scheduled on a node yet` : "";
  if (missing.length) {
    const what = missing.map((n) => `node ${n.node} (workload pods ${n.workloadPods.join(", ")}): ${n.problem}`).join("; ");
    return { ok: false, text: `${agent} is not running Ready on every node of the workload: ${what}${note}` };
  }
  return { ok: true, text: `${agent} runs Ready on ${nodes.map((n) => `node ${n.node} (pod ${n.agentPod})`).join(", ")}${note}` };
}
