import { CLAIM_IDS } from "../claims/verdict.ts";
import type { RunRecord } from "../evidence/recorder.ts";
import { findMutation } from "./catalogue.ts";
import { mutationOutcome, type ClaimOutcome, type MutationOutcome } from "./outcome.ts";
import type { MutationCatalogue } from "./schema.ts";

/** One row of the kill matrix: a mutation's outcome, or why there is none. */
export interface KillRow {
  mutation: string;
  outcome?: MutationOutcome;
  /** Why the row has no outcome (no bundle, no mutation recorded, ...). */
  problem?: string;
}

const CELL: Record<ClaimOutcome, string> = { caught: "caught", refused: "caught (refused)", missed: "**missed**", held: "·", collateral: "**collateral**" };

/**
 * The kill matrix from the runs' records (pure): each mutation of the
 * catalogue, judged again from its run's verdicts with this catalogue (the
 * run's own record of its outcome is not trusted). A mutation without a run,
 * or a run that recorded another catalogue's declaration, is a row with a problem.
 */
export function killMatrix(cat: MutationCatalogue, runs: readonly RunRecord[]): KillRow[] {
  return cat.mutations.map((m) => {
    const run = runs.find((r) => r.mutation?.name === m.name);
    if (!run) return { mutation: m.name, problem: "no run recorded this mutation" };
    const outcome = mutationOutcome(findMutation(cat, m.name), run.verdicts);
    const recorded = JSON.stringify([run.mutation?.fail, run.mutation?.pass]);
    if (recorded !== JSON.stringify([m.fail, m.pass])) return { mutation: m.name, outcome, problem: `the run declared fail ${JSON.stringify(run.mutation?.fail)}, this catalogue ${JSON.stringify(m.fail)}` };
    return { mutation: m.name, outcome };
  });
}

export function killMatrixOk(rows: readonly KillRow[]): boolean {
  return rows.every((r) => !r.problem && r.outcome?.ok);
}

/** The mutation score: mutations whose every declared claim was caught, over all. */
export function mutationScore(rows: readonly KillRow[]): string {
  const killed = rows.filter((r) => !r.problem && r.outcome?.claims.every((c) => c.outcome !== "missed")).length;
  return `${killed}/${rows.length}`;
}

/** Markdown: mutation × claim, caught / missed / collateral, and the score. */
export function killMatrixMarkdown(rows: readonly KillRow[]): string {
  const head = [`| mutation | ${CLAIM_IDS.join(" | ")} | result |`, `|---|${CLAIM_IDS.map(() => "---").join("|")}|---|`];
  const body = rows.map((r) => {
    const cells = CLAIM_IDS.map((c) => {
      const o = r.outcome?.claims.find((x) => x.claim === c);
      return o ? CELL[o.outcome] : "—";
    });
    const result = r.problem ? `**${r.problem}**` : r.outcome?.ok ? "as declared" : `**${r.outcome?.summary ?? "?"}**`;
    return `| ${r.mutation} | ${cells.join(" | ")} | ${result} |`;
  });
  const verdict = killMatrixOk(rows) ? "✅ every mutation had its declared outcome" : "❌ some mutation missed, had collateral failures, or did not run";
  return [`## Mutation kill matrix`, "", `**${verdict}** · mutation score ${mutationScore(rows)}`, "", ...head, ...body, ""].join("\n");
}
