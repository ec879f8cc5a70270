import { stringify } from "yaml";
import { ENCRYPTION } from "../names.ts";
import { toMs, type Duration } from "../duration.ts";
import type { Versions } from "../versions.ts";

/** kind.x-k8s.io/v1alpha4 Cluster, the fields we use (kind decodes strictly). */
export interface KindClusterConfig {
  kind: "Cluster";
  apiVersion: "kind.x-k8s.io/v1alpha4";
  name: string;
  networking: { disableDefaultCNI: boolean; kubeProxyMode: "none" | "iptables" | "ipvs" | "nftables" };
  nodes: {
    role: "control-plane" | "worker";
    image: string;
    extraMounts: { hostPath: string; containerPath: string; readOnly?: boolean }[];
    kubeadmConfigPatches: string[];
  }[];
}

/** The kubeadm ClusterConfiguration patch that turns on encryption at rest. */
export interface KubeadmEncryptionPatch {
  kind: "ClusterConfiguration";
  apiServer: {
    extraArgs: Record<string, string>;
    extraVolumes: { name: string; hostPath: string; mountPath: string; readOnly: boolean; pathType: "DirectoryOrCreate" }[];
  };
}

/**
 * The KubeletConfiguration API kind generates beside every kubeadm API
 * (kubernetes-sigs/kind pkg/cluster/internal/kubeadm/config.go:428 in the
 * v1beta3 template, likewise in v1beta2 and v1beta4; fed2688, unchanged since v0.32.0).
 */
export const KUBELET_CONFIG_API = "kubelet.config.k8s.io/v1beta1";

/** The kubelet patch that sets how often pods (and so their CSI volumes) are resynced. */
export interface KubeletSyncPatch {
  apiVersion: typeof KUBELET_CONFIG_API;
  kind: "KubeletConfiguration";
  /** A Go duration (metav1.Duration), whole seconds. */
  syncFrequency: string;
}

export interface KindConfigInput {
  clusterName: string;
  versions: Pick<Versions, "kind">;
  /** The profile's kubelet resync (harness/profile.ts csi.syncFrequency). */
  profile: { csi: { syncFrequency: Duration } };
  /** Host directory (mode 0700) holding the EncryptionConfiguration file. */
  encryptionHostDir: string;
}

/**
 * kubeadm patch without apiVersion: kind applies an unversioned patch to
 * whichever kubeadm API the node image speaks (v1beta3 up to 1.35, where
 * extraArgs is a map; kind converts a map for v1beta4).
 */
export function renderKubeadmPatch(): KubeadmEncryptionPatch {
  return {
    kind: "ClusterConfiguration",
    apiServer: {
      extraArgs: { "encryption-provider-config": `${ENCRYPTION.nodeDir}/${ENCRYPTION.fileName}` },
      extraVolumes: [
        { name: "encryption-config", hostPath: ENCRYPTION.nodeDir, mountPath: ENCRYPTION.nodeDir, readOnly: true, pathType: "DirectoryOrCreate" },
      ],
    },
  };
}

/**
 * The kubelet's syncFrequency from the profile. Since secrets-store-csi-driver
 * v1.6.0 the kubelet's pod resync is what republishes the CSI volume, so this
 * sets the rotation period (see harness/app/rotation-cadence.ts). kind merges
 * a patch into the generated document with the same kind and, when the patch
 * names one, the same apiVersion (pkg/internal/patch/resource.go:66-71,
 * kubeyaml.go:35-59 at fed2688); the document must carry no metadata, which
 * kind strips from its own before kubeadm reads it (pkg/cluster/internal/
 * create/actions/config/config.go removeMetadata).
 */
export function renderKubeletPatch(profile: KindConfigInput["profile"]): KubeletSyncPatch {
  const s = toMs(profile.csi.syncFrequency) / 1000;
  if (!Number.isInteger(s) || s <= 0) throw new Error(`csi.syncFrequency ${JSON.stringify(profile.csi.syncFrequency)} is not a whole number of seconds`);
  return { apiVersion: KUBELET_CONFIG_API, kind: "KubeletConfiguration", syncFrequency: `${s}s` };
}

/**
 * One node (Falco and Tetragon share its kernel), no default CNI and no
 * kube-proxy (Cilium replaces both), the host's /proc at /procHost for
 * Tetragon, the encryption config mounted read-only for the API server, and
 * the kubelet resyncing pods at the profile's syncFrequency.
 */
export function renderKindConfig(input: KindConfigInput): KindClusterConfig {
  return {
    kind: "Cluster",
    apiVersion: "kind.x-k8s.io/v1alpha4",
    name: input.clusterName,
    networking: { disableDefaultCNI: true, kubeProxyMode: "none" },
    nodes: [
      {
        role: "control-plane",
        image: input.versions.kind.nodeImage,
        extraMounts: [
          { hostPath: "/proc", containerPath: "/procHost" },
          { hostPath: input.encryptionHostDir, containerPath: ENCRYPTION.nodeDir, readOnly: true },
        ],
        kubeadmConfigPatches: [stringify(renderKubeadmPatch()), stringify(renderKubeletPatch(input.profile))],
      },
    ],
  };
}
