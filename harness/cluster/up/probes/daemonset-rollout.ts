import type { V1DaemonSet } from "@kubernetes/client-node";
import { formatMs } from "../../../../clusters/duration.ts";
import type { ExecError } from "../../../core/exec.ts";
import type { KubeClient } from "../../../kube/client.ts";
import type { Kubectl } from "../../../kube/kubectl.ts";
import type { ContainerSummary, PodSummary } from "../../../kube/pod-summary.ts";

/**
 * Why bring-up waits for DaemonSets itself: `helm --wait` counts a
 * RollingUpdate DaemonSet ready once NumberReady >= desired - maxUnavailable
 * (helm v3.21.3 pkg/kube/ready.go:141-148, 309-338), and maxUnavailable defaults to 1
 * (k8s.io/api v0.35.7 apps/v1/types.go:615), which the falco, CSI driver,
 * Vault CSI provider and Tetragon charts keep. On a one-node cluster helm
 * therefore returns with 0 of 1 pods ready. `kubectl rollout status` waits
 * until every scheduled pod is updated and available (kubectl v0.35.7
 * pkg/polymorphichelpers/rollout_status.go:95-116).
 */
export const HELM_DAEMONSET_GAP = "helm --wait counts a one-node DaemonSet ready with maxUnavailable (1) pods not ready";

/** The label selector of a DaemonSet's pods, from its matchLabels (undefined when it has none). */
export function daemonSetSelector(ds: V1DaemonSet | undefined): string | undefined {
  const labels = Object.entries(ds?.spec?.selector?.matchLabels ?? {});
  return labels.length ? labels.map(([k, v]) => `${k}=${v}`).join(",") : undefined;
}

/** A DaemonSet's counts as `kubectl rollout status` judges them. */
export function describeDaemonSetStatus(ds: V1DaemonSet | undefined): string {
  if (!ds) return "the DaemonSet could not be read";
  const s = ds.status;
  const counts = `desired ${s?.desiredNumberScheduled ?? 0}, updated ${s?.updatedNumberScheduled ?? 0}, ready ${s?.numberReady ?? 0}, available ${s?.numberAvailable ?? 0}`;
  const strategy = ds.spec?.updateStrategy?.type ?? "RollingUpdate";
  return `${counts} (generation ${ds.metadata?.generation ?? "?"}, observed ${s?.observedGeneration ?? "?"}, ${strategy})`;
}

function describeContainer(c: ContainerSummary, init: boolean): string {
  return `${init ? "init " : ""}${c.name} ${c.state}${c.ready ? " ready" : ""}${c.restartCount ? ` (${c.restartCount} restarts)` : ""}`;
}

/** One pod: name, phase, readiness, and each container's state and restarts. */
export function describePodState(p: PodSummary): string {
  const head = `${p.name} ${p.phase}${p.ready ? ", ready" : ", not ready"}${p.deleting ? ", being deleted" : ""}`;
  const containers = [...p.initContainers.map((c) => describeContainer(c, true)), ...p.containers.map((c) => describeContainer(c, false))];
  return containers.length ? `${head} [${containers.join("; ")}]` : head;
}

export interface RolloutFailure {
  namespace: string;
  name: string;
  timeoutMs: number;
  ds: V1DaemonSet | undefined;
  pods: readonly PodSummary[];
  /** What `kubectl rollout status` last printed or why it failed. */
  kubectl: string;
}

/** The message when a DaemonSet did not roll out: which one, its counts, its pods' states, and kubectl's last word. */
export function daemonSetRolloutFailure(f: RolloutFailure): string {
  const pods = f.pods.length ? f.pods.map((p) => `\n  ${describePodState(p)}`).join("") : " none found";
  return (
    `DaemonSet ${f.namespace}/${f.name} did not roll out within ${formatMs(f.timeoutMs)} (every scheduled pod updated and available; ${HELM_DAEMONSET_GAP}): ` +
    `${describeDaemonSetStatus(f.ds)}; kubectl: ${f.kubectl}; pods:${pods}`
  );
}

/** The last line kubectl printed, else its error's first line. */
function kubectlWord(err: unknown): string {
  const out = (err as Partial<ExecError>).result?.stdout ?? "";
  const last = out.split("\n").map((l) => l.trim()).filter(Boolean).at(-1);
  return last ?? String((err as Error).message ?? err).split("\n")[0] ?? "";
}

/** Waits for each DaemonSet to roll out; on failure throws naming the DaemonSet, its status and its pods' states. */
export async function daemonSetsRolledOut(k: Kubectl, kube: KubeClient, namespace: string, names: readonly string[], timeoutMs: number): Promise<string[]> {
  const done: string[] = [];
  for (const name of names) {
    try {
      await k.rolloutStatus(namespace, `daemonset/${name}`, timeoutMs);
    } catch (err) {
      const ds = await kube.apps.readNamespacedDaemonSet({ namespace, name }).catch(() => undefined);
      const selector = daemonSetSelector(ds);
      const pods = selector ? await kube.pods(namespace, selector).catch(() => []) : [];
      throw new Error(daemonSetRolloutFailure({ namespace, name, timeoutMs, ds, pods, kubectl: kubectlWord(err) }), { cause: err });
    }
    done.push(`${namespace}/${name}`);
  }
  return done;
}
