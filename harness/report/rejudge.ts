import type { BundleView, ClaimFamily, RejudgeOptions } from "../claims/registry.ts";
import type { ClaimId, Verdict } from "../claims/verdict.ts";
import { VERDICTS_DIR } from "../evidence/recorder.ts";
import { matrixMismatches } from "../claims/matrix.ts";
import { parseVerdicts } from "./run-record.ts";

/** What re-judging one family's recorded evidence found. */
export interface FamilyRejudge {
  family: string;
  claims: readonly ClaimId[];
  /** The verdicts the evidence gives now; absent when the family could not re-judge. */
  verdicts?: Verdict[];
  /** Differences from the recorded verdicts, or why re-judging failed. */
  mismatches: string[];
  /** Problems with the recorded verdicts file itself. */
  integrity: string[];
}

const key = (v: Pick<Verdict, "claim" | "subject">) => (v.subject ? `${v.claim} (${v.subject})` : v.claim);

function byKey(list: readonly Verdict[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const v of list) m.set(key(v), [...(m.get(key(v)) ?? []), v.verdict].sort());
  return m;
}

/** Compares two verdict lists on claim, subject and verdict; returns each difference in words. */
export function compareVerdicts(recorded: readonly Verdict[], now: readonly Verdict[], label: string): string[] {
  const a = byKey(recorded);
  const b = byKey(now);
  const out: string[] = [];
  for (const k of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const was = (a.get(k) ?? []).join(", ") || "nothing";
    const is = (b.get(k) ?? []).join(", ") || "nothing";
    if (was !== is) out.push(`${label}: ${k} was recorded as ${was}; the evidence now judges ${is}`);
  }
  return out;
}

export function verdictsPath(family: string): string {
  return `${VERDICTS_DIR}/${family}.json`;
}

/**
 * Re-runs a family's judge on the bundle and compares with what the run
 * recorded, both in verdicts/<family>.json and in run.json.
 */
export function rejudgeFamily(
  family: ClaimFamily,
  view: BundleView,
  runVerdicts: readonly Verdict[],
  opts: RejudgeOptions = {},
): FamilyRejudge {
  const out: FamilyRejudge = { family: family.id, claims: family.claims, mismatches: [], integrity: [] };
  const path = verdictsPath(family.id);
  let recorded: Verdict[] = [];
  try {
    recorded = parseVerdicts(view.text(path), path);
  } catch (err) {
    out.integrity.push(err instanceof Error ? err.message : String(err));
  }
  const inRun = runVerdicts.filter((v) => family.claims.includes(v.claim));
  out.integrity.push(...compareVerdicts(recorded, inRun, `run.json disagrees with ${path}`));
  try {
    out.verdicts = family.rejudge(view, opts);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    out.mismatches.push(`family ${family.id} could not re-judge its evidence: ${why}`);
    return out;
  }
  const foreign = out.verdicts.filter((v) => !family.claims.includes(v.claim)).map(key);
  if (foreign.length) out.mismatches.push(`family ${family.id} judged claims it does not own: ${foreign.join(", ")}`);
  out.mismatches.push(...compareVerdicts(recorded, out.verdicts, `family ${family.id}`));
  try {
    if (family.matrix) out.mismatches.push(...matrixMismatches(view, family.id, family.matrix(view, opts)));
  } catch (err) {
    out.mismatches.push(`family ${family.id} could not derive its matrix rows: ${err instanceof Error ? err.message : String(err)}`);
  }
  return out;
}
