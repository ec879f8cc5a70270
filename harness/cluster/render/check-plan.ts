import { parse } from "yaml";
import type { AnySchema } from "ajv";
import { KUBELET_CONFIG_API } from "../../../clusters/kind/config.ts";
import type { Versions } from "../../../clusters/versions.ts";
import type { StackPlan } from "./plan.ts";
import { isPlaceholder } from "../state/secrets.ts";
import { CHART_KEYS, unknownValuesKeys } from "../../schemas/chart-keys.ts";
import { encryptionConfigurationSchema } from "../../schemas/encryption-config.ts";
import { kindClusterSchema } from "../../schemas/kind-config.ts";
import { kubeadmClusterConfigurationPatchSchema } from "../../schemas/kubeadm.ts";
import { kubeletConfigurationPatchSchema } from "../../schemas/kubelet.ts";
import { ciliumNetworkPolicySchema } from "../../schemas/cilium-network-policy.ts";
import { secretProviderClassSchema, vaultProviderObjectsSchema, vaultProviderParametersSchema } from "../../schemas/secret-provider-class.ts";
import { schemaProblems } from "../../schemas/validate.ts";

const prefixed = (where: string, problems: string[]) => problems.map((p) => `${where}${p}`);

/**
 * The generated kubeadm documents our patches may target, with their schema
 * and the apiVersion kind generates. kind applies a patch only to a document
 * of the same kind (and apiVersion, when the patch names one) and silently
 * drops one that matches nothing (kind pkg/internal/patch/resource.go:66-71).
 */
function patchTargets(versions: Versions): Record<string, { schema: AnySchema; apiVersion: string; who: string }> {
  return {
    ClusterConfiguration: { schema: kubeadmClusterConfigurationPatchSchema, apiVersion: versions.kind.kubeadmApi, who: "the node image speaks" },
    KubeletConfiguration: { schema: kubeletConfigurationPatchSchema, apiVersion: KUBELET_CONFIG_API, who: "kind generates" },
  };
}

function patchProblems(where: string, text: string, versions: Versions): string[] {
  const patch = parse(text) as Record<string, unknown>;
  const target = patchTargets(versions)[String(patch.kind)];
  if (!target) return [`${where} has kind ${String(patch.kind)}, which no patch here may target (ClusterConfiguration, KubeletConfiguration)`];
  const out = prefixed(`${where} `, schemaProblems(target.schema, patch));
  if (patch.apiVersion !== undefined && patch.apiVersion !== target.apiVersion) {
    out.push(`${where} names ${String(patch.apiVersion)} but ${target.who} ${target.apiVersion}`);
  }
  return out;
}

function kindProblems(plan: StackPlan, versions: Versions): string[] {
  const out = prefixed("kind config ", schemaProblems(kindClusterSchema, plan.kindConfig));
  for (const [n, node] of plan.kindConfig.nodes.entries()) {
    for (const [i, text] of node.kubeadmConfigPatches.entries()) out.push(...patchProblems(`kubeadm patch ${n}.${i}`, text, versions));
  }
  return out;
}

function encryptionProblems(plan: StackPlan): string[] {
  const out = prefixed("EncryptionConfiguration ", schemaProblems(encryptionConfigurationSchema, plan.encryptionConfig));
  const providers = plan.encryptionConfig.resources[0]?.providers ?? [];
  const first = providers[0];
  if (!first || !("aescbc" in first)) out.push("EncryptionConfiguration: the first (writing) provider must be aescbc");
  if (!providers.some((p) => "identity" in p) || !("identity" in (providers.at(-1) ?? {}))) {
    out.push("EncryptionConfiguration: identity must come last, to read Secrets stored before encryption");
  }
  for (const key of first && "aescbc" in first ? first.aescbc.keys : []) {
    if (!isPlaceholder(key.secret) && Buffer.from(key.secret, "base64").length !== 32) {
      out.push(`EncryptionConfiguration: aescbc key ${key.name} is not 32 bytes`);
    }
  }
  return out;
}

function spcProblems(plan: StackPlan): string[] {
  const spc = plan.app.secretProviderClass;
  const out = prefixed("SecretProviderClass ", schemaProblems(secretProviderClassSchema, spc));
  out.push(...prefixed("SecretProviderClass parameters ", schemaProblems(vaultProviderParametersSchema, spc.spec.parameters)));
  if ("vaultKubernetesMountPath" in spc.spec.parameters && "vaultAuthMountPath" in spc.spec.parameters) {
    out.push("SecretProviderClass sets both vaultKubernetesMountPath and vaultAuthMountPath (the provider rejects that)");
  }
  let objects: unknown;
  try {
    objects = parse(spc.spec.parameters.objects ?? "");
  } catch (err) {
    return [...out, `SecretProviderClass objects is not YAML: ${(err as Error).message}`];
  }
  out.push(...prefixed("SecretProviderClass objects ", schemaProblems(vaultProviderObjectsSchema, objects)));
  if ("secretObjects" in spc.spec) out.push("SecretProviderClass must not sync into a Kubernetes Secret (secretObjects)");
  return out;
}

function valuesProblems(plan: StackPlan): string[] {
  return Object.values(plan.releases).flatMap((r) =>
    unknownValuesKeys(r.values, CHART_KEYS[r.name]).map((k) => `${r.name} values: ${CHART_KEYS[r.name].chart} has no key ${k}`),
  );
}

/** The app's egress policy against our reduced CNP schema, and selecting the app's own pods. */
function networkProblems(plan: StackPlan): string[] {
  const cnp = plan.network.policy;
  const out = prefixed("CiliumNetworkPolicy ", schemaProblems(ciliumNetworkPolicySchema, cnp));
  const podLabels = plan.app.deployment.spec?.template.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(cnp.spec.endpointSelector.matchLabels)) {
    if (podLabels[k] !== v) out.push(`CiliumNetworkPolicy selects ${k}=${v}, which the app's pods do not carry`);
  }
  if (cnp.metadata.namespace !== plan.app.deployment.metadata?.namespace) out.push("CiliumNetworkPolicy is not in the app's namespace");
  if (cnp.spec.enableDefaultDeny.ingress) out.push("CiliumNetworkPolicy must leave ingress open (enableDefaultDeny.ingress false)");
  // network-enforcing reads policy-enabled "egress" for default-allow egress rules too (cilium pkg/policy/repository.go
  // computePolicyEnforcementAndRules synthesizes a wildcard allow): only this field makes the rules deny the rest
  if (!cnp.spec.enableDefaultDeny.egress) out.push("CiliumNetworkPolicy must deny other egress (enableDefaultDeny.egress true)");
  return out;
}

/**
 * Every rendered object checked against the schemas written from upstream
 * (kind, kubeadm, EncryptionConfiguration, SecretProviderClass + the Vault
 * provider's parameters) and every values key against what the pinned chart
 * reads. Empty when all is well.
 */
export function planProblems(plan: StackPlan, versions: Versions): string[] {
  return [...kindProblems(plan, versions), ...encryptionProblems(plan), ...spcProblems(plan), ...networkProblems(plan), ...valuesProblems(plan)];
}
