/**
 * JSON schema of a kubeadm ClusterConfiguration patch as kind applies it,
 * written from kubernetes/kubernetes cmd/kubeadm/app/apis/kubeadm/v1beta3/
 * types.go (ClusterConfiguration, ControlPlaneComponent, APIServer,
 * HostPathMount). v1beta3 is what kind generates for node images up to
 * Kubernetes 1.35 (kind pkg/cluster/internal/kubeadm/config.go); extraArgs is
 * a map there. A patch may omit apiVersion (kind then applies it to whichever
 * kubeadm API the node speaks, pkg/internal/patch/resource.go:66-71). The
 * KubeletConfiguration patch has its own schema (./kubelet.ts).
 */
const component = {
  extraArgs: { type: "object", additionalProperties: { type: "string" } },
  extraVolumes: {
    type: "array",
    items: {
      type: "object",
      additionalProperties: false,
      required: ["name", "hostPath", "mountPath"],
      properties: {
        name: { type: "string", minLength: 1 },
        hostPath: { type: "string", pattern: "^/" },
        mountPath: { type: "string", pattern: "^/" },
        readOnly: { type: "boolean" },
        pathType: { enum: ["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"] },
      },
    },
  },
} as const;

const controlPlaneComponent = { type: "object", additionalProperties: false, properties: component } as const;

export const kubeadmClusterConfigurationPatchSchema = {
  $id: "secretproof/kubeadm-cluster-configuration-v1beta3-patch",
  type: "object",
  additionalProperties: false,
  required: ["kind"],
  properties: {
    apiVersion: { const: "kubeadm.k8s.io/v1beta3" },
    kind: { const: "ClusterConfiguration" },
    etcd: { type: "object" },
    networking: {
      type: "object",
      additionalProperties: false,
      properties: { serviceSubnet: { type: "string" }, podSubnet: { type: "string" }, dnsDomain: { type: "string" } },
    },
    kubernetesVersion: { type: "string" },
    controlPlaneEndpoint: { type: "string" },
    apiServer: {
      type: "object",
      additionalProperties: false,
      properties: { ...component, certSANs: { type: "array", items: { type: "string" } }, timeoutForControlPlane: { type: "string" } },
    },
    controllerManager: controlPlaneComponent,
    scheduler: controlPlaneComponent,
    dns: { type: "object", additionalProperties: false, properties: { imageRepository: { type: "string" }, imageTag: { type: "string" } } },
    certificatesDir: { type: "string" },
    imageRepository: { type: "string" },
    featureGates: { type: "object", additionalProperties: { type: "boolean" } },
    clusterName: { type: "string" },
  },
} as const;
