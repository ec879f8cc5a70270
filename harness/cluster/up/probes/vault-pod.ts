import type { V1Pod, V1StatefulSet } from "@kubernetes/client-node";
import { vaultPodStep, type VaultPodStep, type VaultPodView } from "../judges/vault-pod.ts";
import type { KubeClient } from "../../../kube/client.ts";
import type { Kubectl } from "../../../kube/kubectl.ts";
import { NS, VAULT } from "../../../../clusters/names.ts";

/** The pieces of the StatefulSet and its pod that vaultPodStep reads. */
export function vaultPodView(sts: V1StatefulSet | undefined, pod: V1Pod | undefined): VaultPodView {
  const generation = sts?.metadata?.generation;
  const observed = sts?.status?.observedGeneration;
  const view: VaultPodView = { observed: generation !== undefined && observed !== undefined && observed >= generation };
  if (sts?.status?.updateRevision) view.updateRevision = sts.status.updateRevision;
  if (pod) {
    view.pod = {
      ready: (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
      deleting: Boolean(pod.metadata?.deletionTimestamp),
      phase: pod.status?.phase ?? "Unknown",
    };
    const revision = pod.metadata?.labels?.["controller-revision-hash"];
    if (revision) view.pod.revision = revision;
  }
  return view;
}

const notFound = (err: unknown) => (err as { code?: unknown }).code === 404;

/** One look at vault-0 through the API; deletes it when it runs an old revision. */
export async function probeVaultPod(kube: KubeClient, kubectl: Kubectl): Promise<VaultPodStep> {
  const [sts, pod] = await Promise.all([
    kube.apps.readNamespacedStatefulSet({ namespace: NS.vault, name: VAULT.statefulSet }).catch((e: unknown) => (notFound(e) ? undefined : Promise.reject(e))),
    kube.core.readNamespacedPod({ namespace: NS.vault, name: VAULT.pod }).catch((e: unknown) => (notFound(e) ? undefined : Promise.reject(e))),
  ]);
  const step = vaultPodStep(vaultPodView(sts, pod));
  if (step.replace) await kubectl.run(["-n", NS.vault, "delete", "pod", VAULT.pod, "--wait=false"]);
  return step;
}
