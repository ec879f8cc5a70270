/**
 * A pod's Cilium identity labels as the agent reports them (in endpoint
 * lists and Hubble flows alike): `source:key=value`, the pod's own labels,
 * its namespace's and the policy-relevant ones Cilium adds.
 */
export const ciliumPodLabels = (ns: string, name: string): string[] => [
  "k8s:app.kubernetes.io/managed-by=secretproof",
  `k8s:app.kubernetes.io/name=${name}`,
  "k8s:app.kubernetes.io/part-of=secretproof",
  `k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=${ns}`,
  "k8s:io.cilium.k8s.policy.cluster=default",
  "k8s:io.cilium.k8s.policy.serviceaccount=default",
  `k8s:io.kubernetes.pod.namespace=${ns}`,
];
