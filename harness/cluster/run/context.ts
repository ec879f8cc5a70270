import type { ProfileName } from "../../profile.ts";

/**
 * What the e2e global setup hands every suite (through vitest's provide/inject).
 * Plain data only: each worker rebuilds its handles from it.
 */
export interface E2EContext {
  profile: ProfileName;
  clusterName: string;
  kubeContext: string;
  /** Local state directory with the cluster's secrets (mode 0700). */
  stateDir: string;
  /** The run's evidence directory. */
  runDir: string;
}
