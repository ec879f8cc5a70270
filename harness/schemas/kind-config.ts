/**
 * JSON schema of kind's v1alpha4 Cluster config, written from
 * kubernetes-sigs/kind pkg/apis/config/v1alpha4/types.go (v0.32.0 / HEAD
 * fed2688). kind decodes this file strictly (pkg/internal/apis/config/encoding/
 * load.go yamlUnmarshalStrict), so unknown fields are errors here too.
 * kubeProxyMode accepts "none" (pkg/internal/apis/config/validate.go) though
 * v1alpha4 declares constants only for iptables, ipvs and nftables.
 */
const stringMap = { type: "object", additionalProperties: { type: "string" } } as const;

const patchJson6902 = {
  type: "object",
  additionalProperties: false,
  required: ["group", "version", "kind", "patch"],
  properties: { group: { type: "string" }, version: { type: "string" }, kind: { type: "string" }, patch: { type: "string" } },
} as const;

const mount = {
  type: "object",
  additionalProperties: false,
  required: ["hostPath", "containerPath"],
  properties: {
    containerPath: { type: "string", pattern: "^/" },
    hostPath: { type: "string", minLength: 1 },
    readOnly: { type: "boolean" },
    selinuxRelabel: { type: "boolean" },
    propagation: { enum: ["None", "HostToContainer", "Bidirectional"] },
  },
} as const;

const portMapping = {
  type: "object",
  additionalProperties: false,
  properties: {
    containerPort: { type: "integer" },
    hostPort: { type: "integer" },
    listenAddress: { type: "string" },
    protocol: { enum: ["TCP", "UDP", "SCTP"] },
  },
} as const;

const node = {
  type: "object",
  additionalProperties: false,
  required: ["role"],
  properties: {
    role: { enum: ["control-plane", "worker"] },
    image: { type: "string" },
    labels: stringMap,
    extraMounts: { type: "array", items: mount },
    extraPortMappings: { type: "array", items: portMapping },
    kubeadmConfigPatches: { type: "array", items: { type: "string" } },
    kubeadmConfigPatchesJSON6902: { type: "array", items: patchJson6902 },
  },
} as const;

export const kindClusterSchema = {
  $id: "secretproof/kind-cluster-v1alpha4",
  type: "object",
  additionalProperties: false,
  required: ["kind", "apiVersion"],
  properties: {
    kind: { const: "Cluster" },
    apiVersion: { const: "kind.x-k8s.io/v1alpha4" },
    name: { type: "string" },
    nodes: { type: "array", items: node, minItems: 1 },
    networking: {
      type: "object",
      additionalProperties: false,
      properties: {
        ipFamily: { enum: ["ipv4", "ipv6", "dual"] },
        apiServerPort: { type: "integer" },
        apiServerAddress: { type: "string" },
        podSubnet: { type: "string" },
        serviceSubnet: { type: "string" },
        disableDefaultCNI: { type: "boolean" },
        kubeProxyMode: { enum: ["iptables", "ipvs", "nftables", "none"] },
        dnsSearch: { type: "array", items: { type: "string" } },
      },
    },
    featureGates: { type: "object", additionalProperties: { type: "boolean" } },
    runtimeConfig: stringMap,
    kubeadmConfigPatches: { type: "array", items: { type: "string" } },
    kubeadmConfigPatchesJSON6902: { type: "array", items: patchJson6902 },
    containerdConfigPatches: { type: "array", items: { type: "string" } },
    containerdConfigPatchesJSON6902: { type: "array", items: { type: "string" } },
  },
} as const;
