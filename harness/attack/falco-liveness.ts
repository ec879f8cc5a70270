import { toMs } from "../../clusters/duration.ts";
import { waitFor } from "../core/wait.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import type { PodIdentity } from "./attempt.ts";
import { barrier, type BarrierRecord } from "./barrier.ts";
import type { Profile } from "../profile.ts";
import type { FalcoCollector } from "../falco/collector.ts";
import { assertFalcoRunsAllRules } from "../falco/running-config.ts";

/**
 * Proves the alert stream is live before the first attack: a marker exec in
 * the app container must come back as our marker rule's alert, through the
 * whole path (driver, rules, container plugin, JSON output, kubectl logs),
 * with the pod's metadata resolved. Retries with a fresh marker until then.
 * First, the running Falco's config must let every rule of ours fire
 * (rule_matching all), or this fails at once naming the shadowing rule.
 */
export async function confirmFalcoLive(
  falco: FalcoCollector,
  kube: Kubectl,
  pod: PodIdentity,
  w: Profile["waits"],
): Promise<BarrierRecord> {
  await assertFalcoRunsAllRules(kube);
  return waitFor(
    "the Falco alert stream to deliver a marker alert with the app pod's metadata",
    async () => {
      const b = await barrier(kube, pod, [falco], { timeoutMs: toMs(w.alertWait), intervalMs: toMs(w.eventPoll) });
      const alert = falco.alerts().find((a) => String(a.fields["proc.cmdline"] ?? "").includes(b.nonce));
      const podName = alert?.fields["k8s.pod.name"];
      if (podName === pod.name && alert?.fields["k8s.ns.name"] === pod.namespace) return { done: true, value: b };
      return { done: false, state: { marker: b.nonce, podName, stream: falco.stats() } };
    },
    { timeoutMs: toMs(w.streamLive), intervalMs: toMs(w.poll) },
  );
}
