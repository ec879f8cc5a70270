import { run } from "../core/exec.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import { EtcdProbe, type EtcdctlRunner } from "./probe.ts";

/** etcdctl on this machine against the local tier's etcd (`flags`: its TLS files, when it serves TLS). */
export function localEtcdctl(endpoint: string, timeoutMs: number, flags: readonly string[] = []): EtcdctlRunner {
  return (args) => run("etcdctl", [`--endpoints=${endpoint}`, ...flags, ...args], { timeoutMs, env: { ETCDCTL_API: "3" } });
}

export interface KindEtcd {
  /** kubectl pinned to the cluster's context. */
  kube: Pick<Kubectl, "context" | "run">;
  /** kind cluster name; the etcd static pod is `etcd-<name>-control-plane`. */
  clusterName: string;
}

/** The etcdctl flags kubeadm's etcd static pod needs: its own client certs, on loopback. */
export const KUBEADM_ETCDCTL_FLAGS = [
  "--endpoints=https://127.0.0.1:2379",
  "--cacert=/etc/kubernetes/pki/etcd/ca.crt",
  "--cert=/etc/kubernetes/pki/etcd/server.crt",
  "--key=/etc/kubernetes/pki/etcd/server.key",
] as const;

/** The kubectl argv that runs etcdctl inside the kind control plane's etcd pod. */
export function kindEtcdctlArgs(target: Pick<KindEtcd, "clusterName">, args: string[]): string[] {
  const pod = `etcd-${target.clusterName}-control-plane`;
  return ["-n", "kube-system", "exec", pod, "--", "etcdctl", ...KUBEADM_ETCDCTL_FLAGS, ...args];
}

/**
 * etcdctl inside the etcd static pod, through `kubectl exec` (the one kubectl
 * call of this module). etcdctl 3.4+ speaks API v3 by default, so the pod
 * needs no ETCDCTL_API.
 */
export function kindEtcdctl(target: KindEtcd): EtcdctlRunner {
  return (args) => target.kube.run(kindEtcdctlArgs(target, args));
}

export function localProbe(endpoint: string, timeoutMs: number, flags: readonly string[] = []): EtcdProbe {
  return new EtcdProbe(localEtcdctl(endpoint, timeoutMs, flags), `etcd at ${endpoint}`);
}

export function kindProbe(target: KindEtcd): EtcdProbe {
  return new EtcdProbe(kindEtcdctl(target), `etcd-${target.clusterName}-control-plane (context ${target.kube.context})`);
}
