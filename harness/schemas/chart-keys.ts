import type { ReleaseName } from "../../clusters/helm/releases.ts";

/**
 * The values keys each pinned chart accepts that secretproof sets, each
 * checked in that chart version's values.yaml (path:line cited). None of
 * these charts rejects unknown keys itself (no values.schema.json with
 * additionalProperties: false), so a misspelled key would be ignored
 * silently; this list makes it an error. Add a key here only after finding
 * it in the pinned chart's values.yaml.
 */
export interface ChartKeys {
  /** chart@version the citations refer to. */
  chart: string;
  source: string;
  /** Leaf key paths (dot-separated) the chart reads, with the values.yaml line. */
  paths: Record<string, string>;
  /** Keys whose value is a free-form map (any sub-key is accepted). */
  maps?: Record<string, string>;
}

export const CHART_KEYS: Record<ReleaseName, ChartKeys> = {
  cilium: {
    chart: "cilium@1.20.0",
    source: "cilium/charts cilium-1.20.0.tgz cilium/values.yaml (values.schema.json has no additionalProperties: false)",
    paths: {
      // A real key in 1.20.0 (type [string, boolean]); older charts only had it as a comment.
      kubeProxyReplacement: "values.yaml:2439",
      k8sServiceHost: "values.yaml:76",
      k8sServicePort: "values.yaml:81",
      "ipam.mode": "values.yaml:2295",
      "operator.replicas": "values.yaml:3253",
      "image.pullPolicy": "values.yaml:251",
    },
  },
  tetragon: {
    chart: "tetragon@1.7.0",
    source: "cilium/tetragon v1.7.0 install/kubernetes/tetragon/values.yaml (= cilium/charts tetragon-1.7.0.tgz)",
    paths: { "tetragon.hostProcPath": "values.yaml:221", "export.mode": "values.yaml:351" },
  },
  falco: {
    chart: "falco@9.1.0",
    source: "falcosecurity/charts tag falco-9.1.0 charts/falco/values.yaml",
    paths: {
      "driver.kind": "values.yaml:314",
      "driver.modernEbpf.dropFailedExit": "values.yaml:339",
      tty: "values.yaml:145",
      "falco.json_output": "values.yaml:994",
      "falco.json_include_output_property": "values.yaml:1003",
      "falco.json_include_tags_property": "values.yaml:1028",
      "falco.rule_matching": "values.yaml:1063",
      "falco.syscall_event_drops.threshold": "values.yaml:1443",
      "falco.syscall_event_drops.actions": "values.yaml:1446",
      "falco.syscall_event_drops.rate": "values.yaml:1452",
      "falco.syscall_event_drops.max_burst": "values.yaml:1454",
      "collectors.containerEngine.enabled": "values.yaml:385",
      "collectors.containerEngine.pluginRef": "values.yaml:388",
      "falcoctl.artifact.install.enabled": "values.yaml:549",
      "falcoctl.artifact.follow.enabled": "values.yaml:569",
      "falcoctl.config.artifact.install.refs": "values.yaml:601",
      "falcoctl.config.artifact.follow.refs": "values.yaml:612",
    },
    maps: { customRules: "values.yaml:500 (file name -> rules YAML, mounted in /etc/falco/rules.d)" },
  },
  "secrets-store-csi-driver": {
    chart: "secrets-store-csi-driver@1.6.0",
    source: "kubernetes-sigs/secrets-store-csi-driver tag v1.6.0 charts/secrets-store-csi-driver/values.yaml",
    paths: { "syncSecret.enabled": "values.yaml:219", enableSecretRotation: "values.yaml:222", rotationPollInterval: "values.yaml:225" },
  },
  vault: {
    chart: "vault@0.34.1",
    source: "hashicorp/vault-helm tag v0.34.1 values.yaml (values.schema.json has no additionalProperties: false)",
    paths: {
      "injector.enabled": "values.yaml:49",
      "server.dev.enabled": "values.yaml:894",
      "server.dev.devRootToken": "values.yaml:897",
      "server.image.repository": "values.yaml:419",
      "server.image.tag": "values.yaml:420",
      "csi.enabled": "values.yaml:1186",
      "csi.image.repository": "values.yaml:1189",
      "csi.image.tag": "values.yaml:1190",
      "csi.agent.image.repository": "values.yaml:1280",
      "csi.agent.image.tag": "values.yaml:1281",
    },
  },
};

/** Leaf paths of a values object (arrays and scalars are leaves). */
export function leafPaths(values: unknown, prefix = ""): string[] {
  if (values === null || typeof values !== "object" || Array.isArray(values)) return [prefix];
  const entries = Object.entries(values as Record<string, unknown>);
  if (entries.length === 0) return [prefix];
  return entries.flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

/** Keys in `values` the chart does not read, as "path" strings. */
export function unknownValuesKeys(values: Record<string, unknown>, keys: ChartKeys): string[] {
  const maps = Object.keys(keys.maps ?? {});
  return leafPaths(values).filter(
    (p) => !(p in keys.paths) && !maps.some((m) => p === m || p.startsWith(`${m}.`)),
  );
}
