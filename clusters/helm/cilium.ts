import { controlPlaneNode } from "../names.ts";

/**
 * Cilium as the only CNI and the kube-proxy replacement. With kube-proxy
 * gone, the agents reach the API server by the control-plane node's name.
 * One operator replica: its pods are anti-affine per node and kind has one.
 */
export function ciliumValues(clusterName: string): Record<string, unknown> {
  return {
    kubeProxyReplacement: true,
    k8sServiceHost: controlPlaneNode(clusterName),
    k8sServicePort: 6443,
    ipam: { mode: "kubernetes" },
    operator: { replicas: 1 },
    image: { pullPolicy: "IfNotPresent" },
  };
}
