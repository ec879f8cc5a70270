import { stringify } from "yaml";
import { ENCRYPTION } from "../../harness/cluster/names.ts";
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

export interface KindConfigInput {
  clusterName: string;
  versions: Pick<Versions, "kind">;
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
 * One node (Falco and Tetragon share its kernel), no default CNI and no
 * kube-proxy (Cilium replaces both), the host's /proc at /procHost for
 * Tetragon, and the encryption config mounted read-only for the API server.
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
        kubeadmConfigPatches: [stringify(renderKubeadmPatch())],
      },
    ],
  };
}
