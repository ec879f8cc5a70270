import { isIPv4 } from "node:net";
import { join, resolve } from "node:path";
import type { EtcdAccess } from "./target.ts";

/**
 * kubeadm's etcd CA and its etcd healthcheck client certificate on a
 * control-plane node. kubeadm writes them under /etc/kubernetes/pki as
 * etcd/ca and etcd/healthcheck-client, the client signed by the etcd CA with
 * O=system:masters and client-auth usage (kubernetes/kubernetes
 * cmd/kubeadm/app/phases/certs/certlist.go@03a145de KubeadmCertEtcdHealthcheck,
 * in GetDefaultCertList; cmd/kubeadm/app/constants/constants.go
 * EtcdCACertAndKeyBaseName, EtcdHealthcheckClientCertAndKeyBaseName).
 * kubeadm's etcd has no auth enabled, so any client its CA signed reads every key.
 */
export const KUBEADM_ETCD_PKI = {
  ca: "/etc/kubernetes/pki/etcd/ca.crt",
  cert: "/etc/kubernetes/pki/etcd/healthcheck-client.crt",
  key: "/etc/kubernetes/pki/etcd/healthcheck-client.key",
} as const;

/**
 * etcd's client port. kubeadm's static pod listens on 127.0.0.1 and on the
 * node's advertise address (kubernetes/kubernetes@5f3bc7cd
 * cmd/kubeadm/app/phases/etcd/local.go getEtcdCommand: listen-client-urls is
 * GetClientURLByIP(127.0.0.1) and GetClientURL(LocalAPIEndpoint)).
 */
export const ETCD_CLIENT_PORT = 2379;

/** The files the client certificates are copied to, under `dir`. */
export function etcdCertFiles(dir: string): { caFile: string; certFile: string; keyFile: string } {
  const d = resolve(dir);
  return { caFile: join(d, "etcd-ca.crt"), certFile: join(d, "etcd-client.crt"), keyFile: join(d, "etcd-client.key") };
}

/** `docker cp` argv copying each file out of the node container, as [source in the node, destination]. */
export function dockerCopyArgs(node: string, dir: string): string[][] {
  const to = etcdCertFiles(dir);
  return [
    ["cp", `${node}:${KUBEADM_ETCD_PKI.ca}`, to.caFile],
    ["cp", `${node}:${KUBEADM_ETCD_PKI.cert}`, to.certFile],
    ["cp", `${node}:${KUBEADM_ETCD_PKI.key}`, to.keyFile],
  ];
}

/** `docker inspect` argv printing the node container's networks as JSON. */
export function dockerInspectArgs(node: string): string[] {
  return ["inspect", "--format", "{{json .NetworkSettings.Networks}}", node];
}

/** The network kind attaches its nodes to, unless KIND_EXPERIMENTAL_DOCKER_NETWORK names another. */
export const KIND_NETWORK = "kind";

/**
 * The node's IPv4 address from `docker inspect`'s networks: on kind's network
 * when the node is on it, else its only network with an address. kind reads
 * the same field and gives it kubeadm as the advertise address
 * (kubernetes-sigs/kind@fed26882 pkg/cluster/internal/providers/docker/node.go
 * IP(); pkg/cluster/internal/kubeadm/config.go ConfigTemplateBetaV4
 * localAPIEndpoint.advertiseAddress), which kubeadm puts in the etcd server
 * certificate's SANs (kubernetes/kubernetes
 * cmd/kubeadm/app/util/pkiutil/pki_helpers.go GetEtcdAltNames/getAltNames:
 * the advertise address, 127.0.0.1, ::1). Pure.
 */
export function nodeIpOf(inspectJson: string, node: string): string {
  let networks: Record<string, { IPAddress?: string }>;
  try {
    networks = JSON.parse(inspectJson) as Record<string, { IPAddress?: string }>;
  } catch (err) {
    throw new Error(`docker inspect of ${node} printed no JSON networks (${inspectJson.trim().slice(0, 200) || "nothing"})`, { cause: err });
  }
  const withIp = Object.entries(networks ?? {}).filter(([, n]) => n?.IPAddress && isIPv4(n.IPAddress));
  const pick = withIp.find(([name]) => name === KIND_NETWORK) ?? (withIp.length === 1 ? withIp[0] : undefined);
  if (!pick) {
    const names = Object.keys(networks ?? {}).join(", ") || "none";
    throw new Error(`docker inspect of ${node}: no IPv4 address on network ${KIND_NETWORK} and not exactly one network with one (networks: ${names})`);
  }
  return pick[1].IPAddress!;
}

/** The target's etcd access: the node's client endpoint and the copied files. Pure. */
export function kindEtcdAccess(ip: string, dir: string): Exclude<EtcdAccess, string> {
  return { endpoints: [`https://${ip}:${ETCD_CLIENT_PORT}`], ...etcdCertFiles(dir) };
}
