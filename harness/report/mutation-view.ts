import type { RunMutation, RunRecord } from "../evidence/recorder.ts";

/** What the report shows of a run built under a mutation (fixtures/mutations.yaml). */
export interface ReportMutation {
  name: string;
  fail: readonly string[];
  outcome?: RunMutation["outcome"];
}

/** The run's mutation, as run.json records it; absent for the stack as designed. */
export function mutationView(run: Pick<RunRecord, "mutation">): { mutation?: ReportMutation } {
  const m = run.mutation;
  return m ? { mutation: { name: m.name, fail: m.fail, ...(m.outcome ? { outcome: m.outcome } : {}) } } : {};
}

/**
 * A claim row's verdict text under a mutation: "fail (expected: mutation X)"
 * for a declared failure that failed, "pass (expected fail: mutation X)" for
 * one that did not; the verdict alone otherwise.
 */
export function verdictText(label: string, r: { claim: string; verdict: string }, m: ReportMutation | undefined): string {
  if (!m || !m.fail.includes(r.claim)) return label;
  return r.verdict === "fail" ? `${label} (expected: mutation ${m.name})` : `${label} (expected fail: mutation ${m.name})`;
}

/** One line on the run's mutation and whether the run had its declared outcome. */
export function mutationLine(m: ReportMutation | undefined): string | undefined {
  if (!m) return undefined;
  const result = m.outcome ? (m.outcome.ok ? "the declared outcome: " : "NOT the declared outcome: ") + m.outcome.summary : "no outcome recorded";
  return `Built under mutation ${m.name} (must fail: ${m.fail.join(", ")}); ${result}`;
}
