import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";

export interface ContainerSummary {
  name: string;
  ready: boolean;
  restartCount: number;
  /** "running", "terminated:<reason>/<exit code>", "waiting:<reason>". */
  state: string;
}

/** What a wait reports as "last observed" for a pod: phase, readiness and each container's state. */
export interface PodSummary {
  name: string;
  phase: string;
  ready: boolean;
  deleting: boolean;
  initContainers: ContainerSummary[];
  containers: ContainerSummary[];
}

function containerState(s: V1ContainerStatus): string {
  if (s.state?.running) return "running";
  if (s.state?.terminated) return `terminated:${s.state.terminated.reason ?? "?"}/${s.state.terminated.exitCode}`;
  if (s.state?.waiting) return `waiting:${s.state.waiting.reason ?? "?"}`;
  return "unknown";
}

const summarizeContainer = (s: V1ContainerStatus): ContainerSummary => ({
  name: s.name,
  ready: s.ready,
  restartCount: s.restartCount,
  state: containerState(s),
});

export function summarizePod(p: V1Pod): PodSummary {
  const ready = (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
  return {
    name: p.metadata?.name ?? "?",
    phase: p.status?.phase ?? "Unknown",
    ready,
    deleting: Boolean(p.metadata?.deletionTimestamp),
    initContainers: (p.status?.initContainerStatuses ?? []).map(summarizeContainer),
    containers: (p.status?.containerStatuses ?? []).map(summarizeContainer),
  };
}
