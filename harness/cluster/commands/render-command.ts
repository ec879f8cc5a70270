import { resolve } from "node:path";
import { versions } from "../../../clusters/versions.ts";
import type { Profile } from "../../profile.ts";
import { planProblems } from "../render/check-plan.ts";
import { loadFalcoRules, vaultBinding } from "../render/external.ts";
import { topoOrder } from "../up/graph.ts";
import { encryptionHostDir } from "../state/local-state.ts";
import { clusterName as defaultClusterName } from "../../../clusters/names.ts";
import { planStack } from "../render/plan.ts";
import { writeFiles } from "../render/render.ts";
import { PLACEHOLDER_SECRETS } from "../state/secrets.ts";
import { stateDir } from "../state/state.ts";
import { UP_STEPS } from "../up/steps.ts";
import { applyMutation } from "../../mutations/apply.ts";
import { activeMutation } from "../../mutations/env.ts";
import { stackFiles } from "../../mutations/stack.ts";
import { loadPolicy } from "../../tetragon/policy.ts";

/** The step graph as text: order, dependencies, what each step does. */
export function describeSteps(): string {
  const byName = new Map(UP_STEPS.map((s) => [s.name, s]));
  return `${topoOrder(UP_STEPS)
    .map((n, i) => {
      const s = byName.get(n)!;
      return `${String(i + 1).padStart(2)}. ${s.name}${s.deps.length ? ` (after ${s.deps.join(", ")})` : ""}: ${s.what}`;
    })
    .join("\n")}\n`;
}

/**
 * Writes everything `up` would apply into `outDir` without touching a
 * cluster: kind config, EncryptionConfiguration, helm values, manifests, the
 * Vault configuration input and the Vault definitions, and the step plan.
 * Generated secrets appear as placeholders. Refuses to write an invalid stack.
 */
export async function renderStack(outDir: string, profile: Profile, clusterName = defaultClusterName()): Promise<string[]> {
  const falcoRules = await loadFalcoRules();
  const plan = planStack({
    clusterName,
    profile,
    versions,
    secrets: PLACEHOLDER_SECRETS,
    encryptionHostDir: encryptionHostDir(resolve(stateDir(clusterName))),
    vault: vaultBinding(),
    falcoRules,
    appImageId: "<image ID of the fixtures/app build>",
    vaultAddr: "http://127.0.0.1:<port-forward to svc/vault:8200>",
  });
  const problems = planProblems(plan, versions);
  if (problems.length) throw new Error(`the rendered stack is invalid:\n  ${problems.join("\n  ")}`);
  // The TracingPolicy the enforcement suite applies is rendered too; a mutation (SECRETPROOF_MUTATION) is applied after the checks.
  const base = { plan, tracingPolicy: loadPolicy() };
  const mutation = activeMutation();
  const stack = mutation ? applyMutation(base, mutation) : base;
  const extra = { "steps.txt": describeSteps(), ...(mutation ? { "mutation.json": { name: mutation.name, why: mutation.why, change: mutation.change, fail: mutation.fail, pass: mutation.pass } } : {}) };
  return writeFiles(outDir, stackFiles(stack, extra));
}
