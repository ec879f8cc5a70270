import type { RemovalProof } from "../tetragon/enforcing.ts";

/** What phase 2's cleanup knows about the policy when it removes it. */
export interface RemovalState {
  /** The policy was sent to the cluster (it may be loaded). */
  policyApplied?: boolean;
  /** The negative-control test proved it unloaded (waitRemoved). */
  removal?: RemovalProof;
  /** The attack session, whose pod the canary reads. */
  s?: unknown;
  /** The cleanup already waited (the policy is removed from two fixtures' cleanups; one wait is enough). */
  unloadWaited?: boolean;
}

/**
 * Whether the cleanup must wait for Tetragon to unload the deleted policy:
 * when it was applied and the last test did not prove it unloaded, once. Deleted
 * is not detached (harness/tetragon/enforcing.ts removalCanaryState), and a
 * later suite execs in the app pod (L1, suites/e2e/app-leak.test.ts, reads
 * the mounted password): a program still attached would kill that read.
 */
export function removalWaitNeeded(run: RemovalState): boolean {
  return run.policyApplied === true && run.removal === undefined && run.s !== undefined && run.unloadWaited !== true;
}
