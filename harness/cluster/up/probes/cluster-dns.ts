import type { ProbeResult } from "../../../core/wait.ts";
import type { KubeClient } from "../../../kube/client.ts";
import type { Kubectl } from "../../../kube/kubectl.ts";
import { CLUSTER_DNS, NS, POSTGRES } from "../../../../clusters/names.ts";
import { judgeResolution } from "../judges/cluster-dns.ts";

/** Waits for the CoreDNS Deployment kubeadm created to be rolled out. */
export async function coreDnsRolledOut(k: Kubectl, timeoutMs: number): Promise<void> {
  await k.rolloutStatus(CLUSTER_DNS.namespace, `deployment/${CLUSTER_DNS.deployment}`, timeoutMs);
}

/** One attempt: resolve POSTGRES.host inside postgres-0 and compare with the Service's cluster IP. */
export async function probePostgresName(kube: KubeClient, k: Kubectl): Promise<ProbeResult<string>> {
  const svc = await kube.core.readNamespacedService({ namespace: NS.postgres, name: POSTGRES.service });
  const ip = svc.spec?.clusterIP;
  if (!ip || ip === "None") return { done: false, state: `Service ${NS.postgres}/${POSTGRES.service} has no cluster IP (${ip ?? "none"})` };
  const r = await k.exec(NS.postgres, POSTGRES.pod, ["getent", "hosts", POSTGRES.host], { container: POSTGRES.container, okExitCodes: [2] });
  return judgeResolution(r, ip);
}
