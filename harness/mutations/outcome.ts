import { CLAIM_IDS, type ClaimId, type Verdict, type VerdictValue, worst } from "../claims/verdict.ts";
import type { Mutation } from "./schema.ts";

/**
 * What happened to one claim under a mutation:
 * - caught: declared to fail, and failed;
 * - refused: declared to fail, no verdict (or inconclusive), and the mutation
 *   declares the e2e check that refuses the state first (`refusedBy`);
 * - missed: declared to fail, but passed, or was left unjudged without a declared refusal;
 * - held: declared to pass, and passed;
 * - collateral: declared to pass, but did not.
 */
export type ClaimOutcome = "caught" | "refused" | "missed" | "held" | "collateral";

export interface MutationOutcome {
  mutation: string;
  /** True when every claim is caught, refused or held. */
  ok: boolean;
  claims: { claim: ClaimId; expected: "fail" | "pass"; verdict: VerdictValue | "not run"; outcome: ClaimOutcome }[];
  summary: string;
}

function classify(expected: "fail" | "pass", v: VerdictValue | "not run", refusable: boolean): ClaimOutcome {
  if (expected === "pass") return v === "pass" ? "held" : "collateral";
  if (v === "fail") return "caught";
  return v !== "pass" && refusable ? "refused" : "missed";
}

/** The run's verdicts against the mutation's declaration (pure): the run passes exactly when `ok`. */
export function mutationOutcome(m: Pick<Mutation, "name" | "fail" | "pass" | "refusedBy">, verdicts: readonly Verdict[]): MutationOutcome {
  const claims = CLAIM_IDS.map((claim) => {
    const mine = verdicts.filter((v) => v.claim === claim).map((v) => v.verdict);
    const verdict = mine.length ? worst(mine) : ("not run" as const);
    const expected = m.fail.includes(claim) ? ("fail" as const) : ("pass" as const);
    return { claim, expected, verdict, outcome: classify(expected, verdict, m.refusedBy !== undefined) };
  });
  const bad = claims.filter((c) => c.outcome === "missed" || c.outcome === "collateral");
  const summary = bad.length
    ? `mutation ${m.name}: ${bad.map((c) => `${c.claim} ${c.outcome} (expected ${c.expected}, got ${c.verdict})`).join("; ")}`
    : `mutation ${m.name}: ${m.fail.join(", ")} failed as declared${m.refusedBy ? ` (or were refused first by ${m.refusedBy})` : ""}; every other claim passed`;
  return { mutation: m.name, ok: bad.length === 0, claims, summary };
}
