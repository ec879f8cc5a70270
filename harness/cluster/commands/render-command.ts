import { resolve } from "node:path";
import { versions } from "../../../clusters/versions.ts";
import type { Profile } from "../../profile.ts";
import { planProblems } from "../render/check-plan.ts";
import { renderVaultDefinitions } from "../../../fixtures/vault/definitions.ts";
import { loadFalcoRules, vaultBinding } from "../render/external.ts";
import { topoOrder } from "../up/graph.ts";
import { encryptionHostDir } from "../state/local-state.ts";
import { clusterName as defaultClusterName } from "../../../clusters/names.ts";
import { planStack } from "../render/plan.ts";
import { renderFiles, writeFiles } from "../render/render.ts";
import { PLACEHOLDER_SECRETS } from "../state/secrets.ts";
import { stateDir } from "../state/state.ts";
import { UP_STEPS } from "../up/steps.ts";

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
  return writeFiles(outDir, renderFiles(plan, { "vault/definitions.json": renderVaultDefinitions(profile), "steps.txt": describeSteps() }));
}
