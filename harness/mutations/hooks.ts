/**
 * Where a mutation enters `up` and the e2e: each hook returns its input
 * unchanged when no mutation is active, so the stack as designed goes
 * through the same code.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { renderEncryptionConfig, type EncryptionConfiguration } from "../../clusters/kind/encryption.ts";
import { PermanentError } from "../core/errors.ts";
import type { StackPlan } from "../cluster/render/plan.ts";
import { loadPolicy, type TracingPolicyDoc } from "../tetragon/policy.ts";
import { applyMutation, applyMutationTo } from "./apply.ts";
import type { Mutation } from "./schema.ts";

/** What the state directory records about the stack's mutation. */
export const MUTATION_FILE = "mutation.json";

export function mutatePlan(plan: StackPlan, m: Mutation | undefined): StackPlan {
  return m ? applyMutation({ plan, tracingPolicy: loadPolicy() }, m).plan : plan;
}

export function mutatedEncryptionConfig(secrets: Parameters<typeof renderEncryptionConfig>[0], m: Mutation | undefined): EncryptionConfiguration {
  const base = renderEncryptionConfig(secrets);
  return m ? applyMutationTo("encryption-config", base, m) : base;
}

export function mutatedDeployment(deployment: IDeployment, plan: StackPlan, m: Mutation | undefined): IDeployment {
  return m ? applyMutationTo("app-deployment", deployment, m, { plan, tracingPolicy: loadPolicy() }) : deployment;
}

export function mutatedPolicy(policy: TracingPolicyDoc, m: Mutation | undefined): TracingPolicyDoc {
  return m ? applyMutationTo("tracing-policy", policy, m) : policy;
}

/**
 * Records the mutation (or none) in the cluster's state directory. A cluster
 * that exists and was built under another mutation, or under the catalogue's
 * earlier wording of this one, is refused: its objects would not be this run's.
 */
export async function recordMutation(stateDir: string, m: Mutation | undefined, clusterExists: boolean): Promise<void> {
  const path = join(stateDir, MUTATION_FILE);
  const text = `${JSON.stringify(m ? { name: m.name, change: m.change, fail: m.fail, pass: m.pass } : { name: null }, null, 2)}\n`;
  const held = await readFile(path, "utf8").catch(() => undefined);
  if (clusterExists && held !== undefined && held !== text) {
    throw new PermanentError(`${path} records another mutation than this run's (${m?.name ?? "none"}): run \`secretproof down\` for this cluster first`);
  }
  await writeFile(path, text);
}
