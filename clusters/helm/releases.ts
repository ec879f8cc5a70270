import { NS, TETRAGON } from "../names.ts";
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
  /**
   * Where the component's pods run and how to select them (diagnostics), and
   * the DaemonSets the chart creates there, whose rollout bring-up waits for
   * after helm (harness/cluster/up/probes/daemonset-rollout.ts: helm --wait does not
   * wait for a one-node DaemonSet's pod).
   */
  pods: { namespace: string; selector: string; daemonSets: readonly string[] };
}

/**
 * The name helm create's `<chart>.fullname` helper gives a release's objects,
 * as the falco (falco-9.1.0 charts/falco/templates/_helpers.tpl:13-24),
 * secrets-store-csi-driver (v1.6.0 charts/secrets-store-csi-driver/templates/
 * _helpers.tpl:14-25) and vault (vault-helm v0.34.1 templates/_helpers.tpl:
 * 12-23) charts define it: fullnameOverride, else the release name when it
 * contains the chart name (or nameOverride), else "<release>-<name>";
 * truncated to 63 characters, one trailing "-" dropped.
 */
export function chartFullname(release: string, chart: string, values: Record<string, unknown>): string {
  const dns = (s: string) => s.slice(0, 63).replace(/-$/, "");
  if (typeof values.fullnameOverride === "string" && values.fullnameOverride) return dns(values.fullnameOverride);
  const name = typeof values.nameOverride === "string" && values.nameOverride ? values.nameOverride : chart;
  return dns(release.includes(name) ? release : `${release}-${name}`);
}

export interface ReleaseInput {
  clusterName: string;
  /** The profile (harness/profile.ts): what the charts' values take from it. */
  profile: Parameters<typeof csiDriverValues>[0];
  versions: Versions;
  /** The cluster's secrets (harness/cluster/state/state.ts): Vault's dev root token. */
  secrets: { vaultRootToken: string };
  /** Contents of fixtures/falco/secretproof-rules.yaml. */
  falcoRules: string;
}

/** Every helm release of the stack. Cilium first; the others only need a CNI. */
export function renderReleases(i: ReleaseInput): Record<ReleaseName, ReleaseSpec> {
  const c = i.versions.charts;
  const falco = falcoValues(i.versions, i.falcoRules);
  const csi = csiDriverValues(i.profile);
  const vault = vaultValues(i.versions, i.secrets.vaultRootToken);
  return {
    cilium: {
      name: "cilium",
      namespace: NS.system,
      chart: c.cilium,
      values: ciliumValues(i.clusterName),
      // the node turning Ready (ciliumStep) is the readiness bring-up needs from Cilium
      pods: { namespace: NS.system, selector: "k8s-app=cilium", daemonSets: [] },
    },
    tetragon: {
      name: "tetragon",
      namespace: NS.system,
      chart: c.tetragon,
      values: tetragonValues(),
      pods: { namespace: NS.system, selector: "app.kubernetes.io/name=tetragon", daemonSets: [TETRAGON.daemonSet] },
    },
    falco: {
      name: "falco",
      namespace: NS.falco,
      chart: c.falco,
      values: falco,
      // templates/daemonset.yaml:1-5 (controller.kind daemonset, the default)
      pods: { namespace: NS.falco, selector: "app.kubernetes.io/name=falco", daemonSets: [chartFullname("falco", c.falco.chart, falco)] },
    },
    "secrets-store-csi-driver": {
      name: "secrets-store-csi-driver",
      namespace: NS.system,
      chart: c.secretsStoreCsi,
      values: csi,
      // the linux DaemonSet, templates/secrets-store-csi-driver.yaml:1-5
      pods: {
        namespace: NS.system,
        selector: "app=secrets-store-csi-driver",
        daemonSets: [chartFullname("secrets-store-csi-driver", c.secretsStoreCsi.chart, csi)],
      },
    },
    vault: {
      name: "vault",
      namespace: NS.vault,
      chart: c.vault,
      values: vault,
      // the CSI provider, templates/csi-daemonset.yaml:8-12; the server is a StatefulSet, waited for in vaultStep
      pods: {
        namespace: NS.vault,
        selector: "app.kubernetes.io/name in (vault, vault-csi-provider)",
        daemonSets: [`${chartFullname("vault", c.vault.chart, vault)}-csi-provider`],
      },
    },
  };
}
