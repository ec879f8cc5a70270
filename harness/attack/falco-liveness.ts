import { versions } from "../../clusters/versions.ts";
import { toMs } from "../../clusters/duration.ts";
import { PermanentError } from "../core/errors.ts";
import { WaitTimeoutError, waitFor } from "../core/wait.ts";
import { fromPod, isMarker, type FalcoAlert } from "../falco/alert.ts";
import type { FalcoCollector } from "../falco/collector.ts";
import { assertFalcoRunsAllRules } from "../falco/running-config.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import type { Profile } from "../profile.ts";
import type { PodIdentity } from "./attempt.ts";
import { barrier, type BarrierRecord } from "./barrier.ts";
import { kindWhere, type AttackWhere } from "./where.ts";

/**
 * Why a marker alert from the app container does not carry the app pod's
 * Kubernetes metadata, or undefined when it does. k8s.ns.name and
 * k8s.pod.name come from the container plugin's lookup of the container on
 * the CRI socket, and are null until (unless) it succeeds (falcosecurity/plugins
 * plugins/container/v0.7.1 README.md:82-83, "in cases of lookup delays, it may
 * not be available yet"); every rule of ours outputs them and the judges
 * compare them with the pod.
 */
export function markerMetadataProblem(alert: FalcoAlert, pod: PodIdentity): string | undefined {
  const ns = alert.fields["k8s.ns.name"] ?? null;
  const name = alert.fields["k8s.pod.name"] ?? null;
  if (ns === pod.namespace && name === pod.name) return undefined;
  const seen = `k8s.ns.name ${JSON.stringify(ns)}, k8s.pod.name ${JSON.stringify(name)}`;
  const where = `Falco's marker alert from the app container ${String(alert.fields["container.id"])} (pod ${pod.namespace}/${pod.name}) has ${seen}`;
  if (ns === null || name === null) {
    return (
      `${where}: the container plugin (falcosecurity/plugins container, ${versions.falco.containerPluginRef}) resolved no Kubernetes metadata for it ` +
      "from the container runtime's CRI socket; look for the plugin's errors in `kubectl -n falco logs ds/falco -c falco` and check its CRI socket mount"
    );
  }
  return `${where}, not the app pod's: the container plugin attributes the app container to another pod`;
}

/**
 * Proves the alert stream is live before the first attack: a marker exec in
 * the app container must come back as our marker rule's alert, through the
 * whole path (driver, rules, container plugin, JSON output, kubectl logs),
 * with the pod's metadata resolved. Retries with a fresh marker until then;
 * when the last marker arrived without the metadata, fails naming the
 * container plugin (markerMetadataProblem), not as a bare timeout.
 * First, where the config is checked (the kind stack), the running Falco's
 * config must let every rule of ours fire (rule_matching all), or this fails
 * at once naming the shadowing rule.
 */
export async function confirmFalcoLive(
  falco: FalcoCollector,
  kube: Kubectl,
  pod: PodIdentity,
  w: Profile["waits"],
  where: AttackWhere["falco"] = kindWhere().falco,
): Promise<BarrierRecord> {
  if (where.checkConfig) await assertFalcoRunsAllRules(kube, where);
  let problem: string | undefined;
  try {
    return await waitFor(
      "the Falco alert stream to deliver a marker alert with the app pod's metadata",
      async () => {
        problem = undefined;
        const b = await barrier(kube, pod, [falco], { timeoutMs: toMs(w.alertWait), intervalMs: toMs(w.eventPoll) });
        const alert = falco.alerts().find((a) => isMarker(a, b.nonce) && fromPod(a, pod));
        problem = alert ? markerMetadataProblem(alert, pod) : `no marker alert for ${b.nonce} from the app container`;
        return problem ? { done: false, state: { marker: b.nonce, problem, stream: falco.stats() } } : { done: true, value: b };
      },
      { timeoutMs: toMs(w.streamLive), intervalMs: toMs(w.poll) },
    );
  } catch (err) {
    if (err instanceof WaitTimeoutError && problem) throw new PermanentError(problem, { cause: err });
    throw err;
  }
}
