import { inject } from "vitest";
import type { E2EContext } from "../cluster/run/context.ts";
import { loadSecrets, registerSecrets, type ClusterSecrets } from "../cluster/state/state.ts";
import { toMs } from "../../clusters/duration.ts";
import { ArtifactWriter } from "../evidence/recorder.ts";
import { kubectl, type Kubectl } from "../kube/kubectl.ts";
import { loadProfile, type Profile } from "../profile.ts";

declare module "vitest" {
  export interface ProvidedContext {
    secretproof: E2EContext;
  }
}

export interface E2E {
  ctx: E2EContext;
  profile: Profile;
  kube: Kubectl;
  /** Writes artifacts and verdicts into the run's evidence directory. */
  evidence: ArtifactWriter;
  secrets: ClusterSecrets;
}

/**
 * The e2e suites' way in: the context the global setup provided, the
 * cluster's secrets (registered with this worker's redaction layer before
 * anything is written), a kubectl pinned to the cluster's context, and an
 * evidence writer for the run directory.
 */
export async function useE2E(): Promise<E2E> {
  const ctx = inject("secretproof");
  if (!ctx) throw new Error("the e2e context is missing: run e2e suites through `npm test` (vitest --project e2e)");
  const profile = loadProfile(ctx.profile);
  const secrets = await loadSecrets(ctx.stateDir);
  registerSecrets(secrets);
  return {
    ctx,
    profile,
    kube: kubectl(ctx.kubeContext, toMs(profile.waits.command)),
    evidence: new ArtifactWriter(ctx.runDir),
    secrets,
  };
}
