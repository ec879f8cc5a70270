import { stringify } from "yaml";
import { FALCO_RULES_FILE } from "../../clusters/helm/falco.ts";
import { renderVaultDefinitions } from "../../fixtures/vault/definitions.ts";
import type { StackPlan } from "../cluster/render/plan.ts";
import { renderFiles } from "../cluster/render/render.ts";
import type { TracingPolicyDoc } from "../tetragon/policy.ts";
import type { MutationObject } from "./schema.ts";

/**
 * Everything a mutation can change, as rendered: the stack plan `up` applies
 * and the TracingPolicy the enforcement suite loads.
 */
export interface MutableStack {
  plan: StackPlan;
  tracingPolicy: TracingPolicyDoc;
}

/** Where the TracingPolicy is recorded among the rendered files. */
export const TRACING_POLICY_FILE = "tetragon/tracing-policy.yaml";

/** The object a mutation names, inside `stack` (the same reference: apply works on a copy). */
export function objectOf(stack: MutableStack, object: Exclude<MutationObject, "falco-rules">): unknown {
  const { plan } = stack;
  switch (object) {
    case "encryption-config":
      return plan.encryptionConfig;
    case "helm/falco":
      return plan.releases.falco.values;
    case "helm/secrets-store-csi-driver":
      return plan.releases["secrets-store-csi-driver"].values;
    case "secret-provider-class":
      return plan.app.secretProviderClass;
    case "app-deployment":
      return plan.app.deployment;
    case "app-objects":
      return (plan.appObjects ??= []);
    case "vault-configuration":
      return plan.configureVault;
    case "tracing-policy":
      return stack.tracingPolicy;
  }
}

/** The project's Falco rules file as the Falco release carries it. */
export function falcoRulesText(stack: MutableStack): string {
  const rules = (stack.plan.releases.falco.values.customRules as Record<string, string> | undefined)?.[FALCO_RULES_FILE];
  if (typeof rules !== "string") throw new Error(`the Falco release's values hold no customRules.${FALCO_RULES_FILE}`);
  return rules;
}

/** Where each object is rendered, for the diff: file, and the document index in a multi-document file. */
export const RENDERED_AT: Readonly<Record<MutationObject, { file: string; doc?: number; under?: readonly string[] }>> = {
  "encryption-config": { file: "kind/encryption-config.yaml" },
  "helm/falco": { file: "helm/falco.values.yaml" },
  "helm/secrets-store-csi-driver": { file: "helm/secrets-store-csi-driver.values.yaml" },
  "secret-provider-class": { file: "manifests/20-app.yaml", doc: 0 },
  "app-deployment": { file: "manifests/20-app.yaml", doc: 2 },
  "app-objects": { file: "manifests/20-app.yaml" },
  "vault-configuration": { file: "vault/configure-vault.json", under: ["opts"] },
  "tracing-policy": { file: TRACING_POLICY_FILE },
  "falco-rules": { file: "helm/falco.values.yaml", under: ["customRules", FALCO_RULES_FILE] },
};

/**
 * Every file of the stack, as `render` writes it: renderFiles, the Vault
 * definitions (from the profile the Vault configuration carries, so a TTL a
 * mutation sets shows there too) and the TracingPolicy.
 */
export function stackFiles(stack: MutableStack, extra: Record<string, unknown> = {}): Record<string, string> {
  return renderFiles(stack.plan, {
    "vault/definitions.json": renderVaultDefinitions(stack.plan.configureVault.profile),
    [TRACING_POLICY_FILE]: stringify(stack.tracingPolicy, { lineWidth: 0 }),
    ...extra,
  });
}
