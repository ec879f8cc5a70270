import { NS } from "../names.ts";
import type { ChartPin, Versions } from "../versions.ts";
import { ciliumValues } from "./cilium.ts";
import { csiDriverValues } from "./csi-driver.ts";
import { falcoValues } from "./falco.ts";
import { tetragonValues } from "./tetragon.ts";
import { vaultValues } from "./vault.ts";

export type ReleaseName = "cilium" | "tetragon" | "falco" | "secrets-store-csi-driver" | "vault";

export interface ReleaseSpec {
  name: ReleaseName;
  namespace: string;
  chart: ChartPin;
  values: Record<string, unknown>;
  /** Where the component's pods run and how to select them (readiness, diagnostics). */
  pods: { namespace: string; selector: string };
}

export interface ReleaseInput {
  clusterName: string;
  /** The profile (harness/profile.ts): what the charts' values take from it. */
  profile: Parameters<typeof csiDriverValues>[0];
  versions: Versions;
  /** The cluster's secrets (harness/cluster/state.ts): Vault's dev root token. */
  secrets: { vaultRootToken: string };
  /** Contents of fixtures/falco/secretproof-rules.yaml. */
  falcoRules: string;
}

/** Every helm release of the stack. Cilium first; the others only need a CNI. */
export function renderReleases(i: ReleaseInput): Record<ReleaseName, ReleaseSpec> {
  const c = i.versions.charts;
  return {
    cilium: {
      name: "cilium",
      namespace: NS.system,
      chart: c.cilium,
      values: ciliumValues(i.clusterName),
      pods: { namespace: NS.system, selector: "k8s-app=cilium" },
    },
    tetragon: {
      name: "tetragon",
      namespace: NS.system,
      chart: c.tetragon,
      values: tetragonValues(),
      pods: { namespace: NS.system, selector: "app.kubernetes.io/name=tetragon" },
    },
    falco: {
      name: "falco",
      namespace: NS.falco,
      chart: c.falco,
      values: falcoValues(i.versions, i.falcoRules),
      pods: { namespace: NS.falco, selector: "app.kubernetes.io/name=falco" },
    },
    "secrets-store-csi-driver": {
      name: "secrets-store-csi-driver",
      namespace: NS.system,
      chart: c.secretsStoreCsi,
      values: csiDriverValues(i.profile),
      pods: { namespace: NS.system, selector: "app=secrets-store-csi-driver" },
    },
    vault: {
      name: "vault",
      namespace: NS.vault,
      chart: c.vault,
      values: vaultValues(i.versions, i.secrets.vaultRootToken),
      pods: { namespace: NS.vault, selector: "app.kubernetes.io/name in (vault, vault-csi-provider)" },
    },
  };
}
