import type { Verdict } from "../claims/verdict.ts";

/**
 * A failure of the enforcement phase after its evidence and verdicts were
 * recorded (verdicts/enforcement.json): it carries those verdicts, so the
 * --apply-policy step keeps them in run.json as recorded and adds the
 * failure as a reason (policy-step.ts runPolicyStep).
 */
export class RecordedEnforcementError extends Error {
  readonly verdicts: Verdict[];
  constructor(message: string, verdicts: Verdict[], cause: unknown) {
    super(message, { cause });
    this.name = "RecordedEnforcementError";
    this.verdicts = verdicts;
  }
}

/** The verdicts an error says were recorded, or undefined. Pure. */
export const recordedVerdicts = (err: unknown): Verdict[] | undefined => (err instanceof RecordedEnforcementError ? err.verdicts : undefined);
