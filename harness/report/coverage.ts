import type { ClaimFamily } from "../claims/registry.ts";
import { type ClaimId, type Verdict, worst } from "../claims/verdict.ts";
import { type FamilyRejudge, type RecordedClaims, verdictsPath } from "./rejudge.ts";

/** A claim no evidence in the bundle proves, and why. */
export interface ClaimGap {
  claim: ClaimId;
  why: string;
}

/** Which claims of the verifier's list stand on re-judged evidence, and which do not. */
export interface ClaimCoverage {
  /** Families whose re-judged verdicts stand for at least one claim. */
  rejudged: string[];
  /** Only re-judged verdicts, in claim-list order: no verdict stands on run.json alone. */
  verdicts: Verdict[];
  /** Claims with no verdict re-judged from the bundle's evidence. */
  notProven: ClaimGap[];
  /** Verdicts (or matrix rows) the run recorded without the evidence to re-judge them. */
  untrustworthy: string[];
  notes: string[];
}

/** Where the run recorded a verdict for the claim (run.json first, then the verdicts file), and what it says. */
function recordedAs(claim: ClaimId, family: string, r: RecordedClaims): string | undefined {
  const [where, list] = r.inRun.some((v) => v.claim === claim) ? ["run.json", r.inRun] : [verdictsPath(family), r.inFile ?? []];
  const mine = list.filter((v) => v.claim === claim).map((v) => v.verdict);
  return mine.length ? `${where} records ${claim} ${worst(mine)}` : undefined;
}

function gap(claim: ClaimId, family: ClaimFamily, r: FamilyRejudge, out: ClaimCoverage): void {
  if (!r.unjudgeable) {
    out.notProven.push({ claim, why: `family ${family.id} re-judged its evidence and gave no verdict for ${claim}` });
    return;
  }
  out.notProven.push({ claim, why: `the bundle holds no ${family.id} evidence to re-judge it (${r.unjudgeable})` });
  const recorded = recordedAs(claim, family.id, r.recorded);
  if (recorded) out.untrustworthy.push(`${recorded}, but the bundle holds no ${family.id} evidence to re-judge it: untrustworthy`);
}

/** Verdicts that rest on nothing the bundle holds: each inconclusive, citing no file present (e.g. "no evidence recorded at …"). */
function evidenceless(verdicts: readonly Verdict[], has: (path: string) => boolean): boolean {
  return verdicts.every((v) => v.verdict === "inconclusive" && !v.evidence.some(has));
}

function strayRows(results: readonly FamilyRejudge[]): string[] {
  return results
    .filter((r) => r.unjudgeable && r.recorded.matrixRows.length > 0)
    .map((r) => `matrix/${r.family}/ holds ${r.recorded.matrixRows.length} attack-matrix rows, but the bundle holds no ${r.family} evidence to derive them: untrustworthy`);
}

/**
 * Decides every claim of the verifier's list. A claim whose family re-judged
 * it stands on that verdict; any other claim is not proven, and a bundle that
 * records a verdict for it although its family's evidence cannot be re-judged
 * is untrustworthy. A family's evidence for a claim is present exactly when
 * its re-judge runs to the end on the bundle (each family's loader throws on
 * a missing or malformed required file) and gives the claim a verdict that is
 * not an inconclusive one citing no file the bundle holds (how the dynamic
 * family reports an absent dynamic/params.json). The verdicts file is derived
 * and never required.
 */
export function claimCoverage(
  claims: readonly ClaimId[],
  families: readonly ClaimFamily[],
  results: readonly FamilyRejudge[],
  runVerdicts: readonly Verdict[],
  has: (path: string) => boolean,
): ClaimCoverage {
  const out: ClaimCoverage = { rejudged: [], verdicts: [], notProven: [], untrustworthy: [], notes: [] };
  for (const claim of claims) {
    const family = families.find((f) => f.claims.includes(claim));
    const r = family && results.find((x) => x.family === family.id);
    if (!family || !r) {
      out.notProven.push({ claim, why: family ? "run.json is absent or unreadable: nothing was re-judged" : "no claim family here re-judges it" });
      const recorded = runVerdicts.filter((v) => v.claim === claim).map((v) => v.verdict);
      if (recorded.length) out.notes.push(`run.json records ${claim} ${worst(recorded)}, but no claim family here re-judges ${claim}: not proven`);
      continue;
    }
    const mine = (r.verdicts ?? []).filter((v) => v.claim === claim);
    if (mine.length && !evidenceless(mine, has)) {
      out.verdicts.push(...mine);
      if (!out.rejudged.includes(family.id)) out.rejudged.push(family.id);
    } else gap(claim, family, mine.length ? { ...r, unjudgeable: mine.flatMap((v) => v.reasons).join("; ") } : r, out);
  }
  out.untrustworthy.push(...strayRows(results));
  return out;
}
