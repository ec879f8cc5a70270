import type { Kubectl } from "../kube/kubectl.ts";
import type { AuditTarget } from "./target.ts";

/** One pod of the workload at one moment: its UID, node and the audited container's restartCount. */
export interface WorkloadPod {
  name: string;
  uid: string;
  node?: string;
  restartCount?: number;
}

export interface WorkloadSample {
  at: string;
  pods: WorkloadPod[];
}

interface PodJson {
  metadata?: { name?: string; uid?: string };
  spec?: { nodeName?: string };
  status?: { containerStatuses?: { name?: string; restartCount?: number }[] };
}

/** The selector of a Deployment or StatefulSet as `-l` takes it (matchLabels only; matchExpressions are refused by name). */
export function selectorOf(workload: { spec?: { selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } } }, what: string): string {
  const sel = workload.spec?.selector;
  if (sel?.matchExpressions?.length) throw new Error(`${what} selects its pods with matchExpressions, which the audit does not read yet`);
  const labels = Object.entries(sel?.matchLabels ?? {});
  if (!labels.length) throw new Error(`${what} has no spec.selector.matchLabels`);
  return labels.map(([k, v]) => `${k}=${v}`).join(",");
}

/** The workload's pods from `kubectl get pods -o json`, as a sample taken at `at`. Pure. */
export function sampleOf(list: { items?: PodJson[] }, container: string, at: string): WorkloadSample {
  const pods = (list.items ?? []).map((p) => {
    const restarts = p.status?.containerStatuses?.find((c) => c.name === container)?.restartCount;
    return { name: p.metadata?.name ?? "?", uid: p.metadata?.uid ?? "?", ...(p.spec?.nodeName ? { node: p.spec.nodeName } : {}), ...(restarts === undefined ? {} : { restartCount: restarts }) };
  });
  return { at, pods: pods.sort((a, b) => a.name.localeCompare(b.name)) };
}

/** What changed between two samples: pods replaced, gone or new, containers restarted. Pure. */
export function workloadChanges(before: WorkloadSample, after: WorkloadSample): string[] {
  const out: string[] = [];
  for (const p of before.pods) {
    const now = after.pods.find((q) => q.name === p.name);
    if (!now) out.push(`pod ${p.name} (uid ${p.uid}) is gone`);
    else if (now.uid !== p.uid) out.push(`pod ${p.name} was replaced (uid ${p.uid} -> ${now.uid})`);
    else if ((now.restartCount ?? 0) !== (p.restartCount ?? 0)) out.push(`pod ${p.name} restarted (restartCount ${p.restartCount ?? "?"} -> ${now.restartCount ?? "?"})`);
  }
  for (const q of after.pods) if (!before.pods.some((p) => p.name === q.name)) out.push(`pod ${q.name} (uid ${q.uid}) is new`);
  return out;
}

/** Reads the workload's selector once, then samples its pods (get/list only). */
export async function workloadSampler(kube: Pick<Kubectl, "json">, t: AuditTarget): Promise<(at: string) => Promise<WorkloadSample>> {
  const { namespace, kind, name, container } = t.workload;
  const what = `${kind} ${namespace}/${name} (context ${t.kubeContext})`;
  const obj = await kube.json<Parameters<typeof selectorOf>[0]>(["-n", namespace, "get", kind === "Deployment" ? "deployment" : "statefulset", name]);
  const selector = selectorOf(obj, what);
  return async (at) => sampleOf(await kube.json<{ items?: PodJson[] }>(["-n", namespace, "get", "pods", "-l", selector]), container, at);
}
