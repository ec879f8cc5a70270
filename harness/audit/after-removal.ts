import type { RemovalProof } from "../tetragon/enforcing.ts";

/** The policy's removal, proven: when the delete was answered (this machine's clock) and the proof of the unload. */
export interface ProvenRemoval {
  removedAtMs: number;
  proof: RemovalProof;
}

/**
 * What a run under the policy hands back when it has more to do once the
 * policy is gone: `afterRemoval` runs only when the removal and the unload
 * were proven and no interrupt came (policy-lifecycle.ts withAppliedPolicy),
 * `finish` always runs after it (closing what the run opened) and gives the
 * run's value.
 */
export class AfterRemoval<T> {
  constructor(
    readonly afterRemoval: (removal: ProvenRemoval, signal: AbortSignal) => Promise<void>,
    readonly finish: () => Promise<T>,
  ) {}
}
