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
  /** Why the family could not re-judge: its evidence is absent, incomplete or unreadable. */
  unjudgeable?: string;
  /** What the run recorded for the family's claims, by where it is recorded (run.json, verdicts/<id>.json, matrix/<id>/). */
  recorded: RecordedClaims;
  /** Differences from the recorded verdicts, or why re-judging failed. */
  mismatches: string[];
  /** Problems with the recorded verdicts file itself. */
  integrity: string[];
}

/** The run's record of one family: run.json's verdicts for its claims, its verdicts file, its matrix rows. */
export interface RecordedClaims {
  inRun: Verdict[];
  /** verdicts/<id>.json, parsed; absent when the bundle holds no such file (or it does not parse). */
  inFile?: Verdict[];
  /** Bundle paths of its attack-matrix rows. */
  matrixRows: string[];
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
  const path = verdictsPath(family.id);
  const recorded: RecordedClaims = {
    inRun: runVerdicts.filter((v) => family.claims.includes(v.claim)),
    matrixRows: view.files.filter((f) => f.startsWith(`matrix/${family.id}/`)),
  };
  const out: FamilyRejudge = { family: family.id, claims: family.claims, recorded, mismatches: [], integrity: [] };
  if (view.has(path)) {
    try {
      recorded.inFile = parseVerdicts(view.text(path), path);
      out.integrity.push(...compareVerdicts(recorded.inFile, recorded.inRun, `run.json disagrees with ${path}`));
    } catch (err) {
      out.integrity.push(err instanceof Error ? err.message : String(err));
    }
  }
  try {
    out.verdicts = family.rejudge(view, opts);
  } catch (err) {
    out.unjudgeable = err instanceof Error ? err.message : String(err);
    // Nothing recorded and nothing to judge: the claims are simply not proven (see coverage.ts).
    if (holdsRecord(recorded) || view.has(path)) out.mismatches.push(`family ${family.id} could not re-judge its evidence: ${out.unjudgeable}`);
    return out;
  }
  const foreign = out.verdicts.filter((v) => !family.claims.includes(v.claim)).map(key);
  if (foreign.length) out.mismatches.push(`family ${family.id} judged claims it does not own: ${foreign.join(", ")}`);
  // The verdicts file is derived: without it, the evidence is compared with run.json itself.
  // A family the run recorded nothing for has nothing to disagree with; its claims stand as judged now.
  const label = recorded.inFile ? `family ${family.id}` : `family ${family.id} (against run.json: ${path} is absent)`;
  if (holdsRecord(recorded) || view.has(path)) out.mismatches.push(...compareVerdicts(recorded.inFile ?? recorded.inRun, out.verdicts, label));
  try {
    if (family.matrix) out.mismatches.push(...matrixMismatches(view, family.id, family.matrix(view, opts)));
  } catch (err) {
    out.mismatches.push(`family ${family.id} could not derive its matrix rows: ${err instanceof Error ? err.message : String(err)}`);
  }
  return out;
}

/** Whether the run recorded anything for the family: a verdict in run.json or its verdicts file, or a matrix row. */
export function holdsRecord(r: RecordedClaims): boolean {
  return r.inRun.length > 0 || (r.inFile?.length ?? 0) > 0 || r.matrixRows.length > 0;
}
