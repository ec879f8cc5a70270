import type { RunRecord } from "../evidence/recorder.ts";
import { mutationOutcome } from "./outcome.ts";
import type { Mutation } from "./schema.ts";

/**
 * Records the mutation and its outcome in a run record whose verdicts are
 * final, and makes the run's status that outcome: under a mutation the run
 * passes exactly when the declared claims fail and the others pass (an
 * aborted run stays aborted). Pure on the record.
 */
export function recordMutationOutcome(record: RunRecord, m: Mutation): void {
  const outcome = mutationOutcome(m, record.verdicts);
  record.mutation = { name: m.name, fail: m.fail, pass: m.pass, ...(m.refusedBy ? { refusedBy: m.refusedBy } : {}), outcome };
  if (record.status !== "aborted") record.status = outcome.ok ? "passed" : "failed";
}
