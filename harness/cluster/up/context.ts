import type { VaultBinding } from "../../../fixtures/manifests/app.ts";
import type { StepLog } from "../../core/log.ts";
import type { ArtifactWriter } from "../../evidence/recorder.ts";
import type { Helm } from "../../helm/helm.ts";
import type { KindCluster } from "../../kind/kind.ts";
import type { KubeClient } from "../../kube/client.ts";
import type { Kubectl } from "../../kube/kubectl.ts";
import type { Profile } from "../../profile.ts";
import type { ConfigureVault } from "../render/external.ts";
import type { StackPlan } from "../render/plan.ts";
import type { Mutation } from "../../mutations/schema.ts";
import type { ClusterSecrets } from "../state/state.ts";
import type { DiagnosticTarget } from "./diagnostics.ts";
import type { StepSpec } from "./graph.ts";

/** What the steps of `up` share. Fields are filled in as steps complete; `need` reads one that must be there. */
export interface UpContext {
  readonly profile: Profile;
  readonly clusterName: string;
  readonly kubeContext: string;
  readonly stateDir: string;
  readonly log: StepLog;
  /** Where diagnostics go on failure. */
  readonly evidence: ArtifactWriter;
  /** The mutation (fixtures/mutations.yaml) the stack is built under, if any. */
  readonly mutation?: Mutation;
  clusterExisted?: boolean;
  secrets?: ClusterSecrets;
  binding?: VaultBinding;
  falcoRules?: string;
  configureVault?: ConfigureVault;
  plan?: StackPlan;
  cluster?: KindCluster;
  kubectl?: Kubectl;
  kube?: KubeClient;
  helm?: Helm;
  appImageId?: string;
  /** The images images-pull pulled, for images-load. */
  preloaded?: string[];
  appIdentity?: string;
  /** When configure-vault applied Vault's configuration in this run (absent when Vault already held it as rendered). */
  vaultAppliedAt?: string;
}

export function need<K extends keyof UpContext>(ctx: UpContext, key: K): NonNullable<UpContext[K]> {
  const v = ctx[key];
  if (v === undefined || v === null) throw new Error(`internal: ${String(key)} is not ready (a step ran before its dependency)`);
  return v as NonNullable<UpContext[K]>;
}

/**
 * One step of `up`, defined beside its body: its place in the graph, what it
 * does, its body, and which components diagnostics.ts looks at when it fails
 * (none for a step that acts on no pod: the kubelet's config is in its error).
 */
export interface UpStep extends StepSpec<UpContext> {
  diagnose?: readonly DiagnosticTarget[];
}
