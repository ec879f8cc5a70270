import type { ProbeResult } from "../../../core/wait.ts";
import { VAULT } from "../../../../clusters/names.ts";

/**
 * Why `helm --wait` does not wait for Vault: vault-helm 0.34.1 sets the
 * server StatefulSet's `updateStrategy.type` from `server.updateStrategyType`,
 * "OnDelete" by default (values.yaml:426, templates/server-statefulset.yaml:26-27),
 * and helm v3.21.3 counts any StatefulSet whose strategy is not RollingUpdate
 * as ready without looking at its pods (pkg/kube/ready.go:392-395). OnDelete
 * also means an upgraded release leaves vault-0 on the old template until the
 * pod is deleted. So `up` reads the StatefulSet and the pod itself.
 */
export interface VaultPodView {
  /** The StatefulSet controller has seen the current spec (status.observedGeneration >= metadata.generation). */
  observed: boolean;
  /** status.updateRevision of the StatefulSet: the revision new pods get. */
  updateRevision?: string;
  pod?: { revision?: string; ready: boolean; deleting: boolean; phase: string };
}

export type VaultPodStep = ProbeResult<"ready"> & { replace?: string };

/** What to do next for vault-0: replace it (an old revision), wait, or go on (Ready at the current revision). */
export function vaultPodStep(v: VaultPodView): VaultPodStep {
  const pod = v.pod;
  if (!v.observed) return { done: false, state: `StatefulSet ${VAULT.statefulSet} not yet observed by its controller at its current generation` };
  if (!pod) return { done: false, state: `no pod ${VAULT.pod} yet` };
  if (pod.deleting) return { done: false, state: `${VAULT.pod} is being deleted` };
  if (v.updateRevision && pod.revision && pod.revision !== v.updateRevision) {
    const why = `${VAULT.pod} runs revision ${pod.revision}, the StatefulSet's template is ${v.updateRevision} (updateStrategy OnDelete)`;
    return { done: false, state: `${why}: replacing it`, replace: why };
  }
  if (!pod.ready) return { done: false, state: `${VAULT.pod} is ${pod.phase}, not Ready` };
  return { done: true, value: "ready" };
}
