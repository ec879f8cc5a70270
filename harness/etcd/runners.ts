import { run, type ExecOptions, type ExecResult } from "../core/exec.ts";
import { kubectl } from "./kubectl.ts";
import { EtcdProbe, type EtcdctlRunner } from "./probe.ts";

/** etcdctl on this machine against a plain-HTTP endpoint (the local tier's etcd). */
export function localEtcdctl(endpoint: string, timeoutMs: number): EtcdctlRunner {
  return (args) => run("etcdctl", [`--endpoints=${endpoint}`, ...args], { timeoutMs, env: { ETCDCTL_API: "3" } });
}

export interface KindEtcd {
  /** kubectl context of the cluster, e.g. "kind-secretproof". */
  context: string;
  /** kind cluster name; the etcd static pod is `etcd-<name>-control-plane`. */
  clusterName: string;
  timeoutMs: number;
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
 * etcdctl inside the etcd static pod (etcdctl 3.4+ speaks API v3 by default,
 * so no ETCDCTL_API is needed in the pod). `exec` is injectable for tests.
 */
export function kindEtcdctl(
  target: KindEtcd,
  exec: (context: string, args: string[], opts: ExecOptions) => Promise<ExecResult> = kubectl,
): EtcdctlRunner {
  return (args) => exec(target.context, kindEtcdctlArgs(target, args), { timeoutMs: target.timeoutMs });
}

export function localProbe(endpoint: string, timeoutMs: number): EtcdProbe {
  return new EtcdProbe(localEtcdctl(endpoint, timeoutMs), `etcd at ${endpoint}`);
}

export function kindProbe(target: KindEtcd): EtcdProbe {
  return new EtcdProbe(kindEtcdctl(target), `etcd-${target.clusterName}-control-plane (context ${target.context})`);
}
