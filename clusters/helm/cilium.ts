import { controlPlaneNode } from "../names.ts";

/**
 * Cilium as the only CNI and the kube-proxy replacement. With kube-proxy
 * gone, the agents reach the API server by the control-plane node's name.
 * One operator replica: its pods are anti-affine per node and kind has one.
 * Hubble is left at the chart's defaults: on in the agent, no Relay, no UI
 * (Documentation/helm-values.rst: hubble.enabled true, hubble.relay.enabled
 * and hubble.ui.enabled false). The network claim needs only the agent's own
 * flow buffer, read with the hubble CLI inside the agent pod; the network
 * suite checks that first (harness/claims/network/upstream.ts).
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
