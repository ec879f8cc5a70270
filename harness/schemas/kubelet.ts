/**
 * JSON schema of a KubeletConfiguration patch as kind applies it: a subset of
 * kubelet.config.k8s.io/v1beta1 written from kubernetes/kubelet v0.35.7
 * (Kubernetes 1.35) config/v1beta1/types.go. The fields are the ones kind's
 * own kubelet document sets (pkg/cluster/internal/kubeadm/config.go, v1beta3
 * template) plus syncFrequency and the two other sync periods; anything else
 * is refused, so a misspelt field fails here instead of being dropped.
 * KubeletConfiguration has TypeMeta only, no metadata (types.go:109), and kind
 * strips the `metadata` of its generated documents before kubeadm reads them.
 */

/** metav1.Duration: a Go duration string, as time.ParseDuration reads it. */
const goDuration = { type: "string", pattern: "^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$" } as const;

export const kubeletConfigurationPatchSchema = {
  $id: "secretproof/kubelet-configuration-v1beta1-patch",
  type: "object",
  additionalProperties: false,
  required: ["kind"],
  properties: {
    apiVersion: { const: "kubelet.config.k8s.io/v1beta1" },
    kind: { const: "KubeletConfiguration" },
    /** types.go:126-130: max period between synchronizing running containers and config, default 1m. */
    syncFrequency: goDuration,
    /** types.go:131-135. */
    fileCheckFrequency: goDuration,
    /** types.go:136-139. */
    httpCheckFrequency: goDuration,
    address: { type: "string" },
    healthzBindAddress: { type: "string" },
    imageGCHighThresholdPercent: { type: "integer", minimum: 0, maximum: 100 },
    cgroupRoot: { type: "string" },
    cgroupDriver: { enum: ["cgroupfs", "systemd"] },
    evictionHard: { type: "object", additionalProperties: { type: "string" } },
    featureGates: { type: "object", additionalProperties: { type: "boolean" } },
    failSwapOn: { type: "boolean" },
  },
} as const;
