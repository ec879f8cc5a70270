import { CLAIM_IDS, type ClaimId, type Verdict, type VerdictValue, worst } from "../claims/verdict.ts";
import type { RunRecord } from "../evidence/recorder.ts";
import type { LoadedBundle } from "../report/bundle.ts";
import { type AuditClaimLine, auditSectionOf } from "../report/audit-section.ts";

/**
 * The claims a read-only audit of the kind cluster `up` built, with the
 * target `secretproof target --etcd-certs` prints, must decide (pass or
 * fail): A1 over etcd's endpoint and client certificates. Every other claim
 * stays inconclusive there (A2 has no planted canary; D1–D3 would need psql
 * in the database pod, which the audit does not run yet; F, T need --attack),
 * so a comparison that decided none of these tested nothing.
 */
export const KIND_AUDIT_DECIDES: readonly ClaimId[] = ["A1"];

/** One claim of the claim list: the suites' verdict beside the audit's. */
export interface ClaimComparison {
  claim: ClaimId;
  suites: VerdictValue | "not run";
  /** The audit's verdict when it decided the claim, else why it did not. */
  audit: { decided: "pass" | "fail" } | { inconclusive: string };
  /** Whether the suites gave the same verdict; undefined when the audit or the suites decided nothing. */
  agrees?: boolean;
}

/** The suites' verdicts a decided audit verdict can be held to: the suites judged the claim. */
const judged = (v: ClaimComparison["suites"]): v is "pass" | "fail" => v === "pass" || v === "fail";

export interface Comparison {
  claims: ClaimComparison[];
  /** Claims the audit decided and the suites judged otherwise. */
  mismatches: ClaimId[];
  /** Claims of the expected list the audit left undecided. */
  undecided: ClaimId[];
  /** Claims the audit decided that the suites did not judge (not run, or inconclusive): nothing to hold the audit to. */
  unjudged: ClaimId[];
  /** 0 every decided claim agrees and every expected one was decided; 1 a mismatch; 2 an expected claim undecided, or a decided one the suites did not judge. */
  exitCode: 0 | 1 | 2;
  lines: string[];
}

/** A bundle's run record, or why it cannot be compared. */
function intactRun(b: LoadedBundle, role: string): RunRecord {
  if (b.integrity.length || !b.run) {
    throw new Error(`${b.dir} (the ${role} bundle) cannot be compared: ${b.integrity.join("; ") || "it has no run.json"}`);
  }
  if (b.run.status === "running") {
    throw new Error(`${b.dir} (the ${role} bundle) cannot be compared: run.json says status running, so the run never finalized it (truncated)`);
  }
  return b.run;
}

const isAudit = (run: RunRecord) => run.environment.mode === "audit" || (run as RunRecord & { audit?: unknown }).audit !== undefined;

/** The suites' run: intact, finalized, and not an audit. */
export function suitesRunOf(b: LoadedBundle): RunRecord {
  const run = intactRun(b, "suites'");
  if (isAudit(run)) throw new Error(`${b.dir} is an audit bundle (run.json records an audit); give the e2e suites' run directory first`);
  return run;
}

/** The audit's run and its per-claim record: intact, finalized, and an audit. */
export function auditRunOf(b: LoadedBundle): { run: RunRecord; claims: AuditClaimLine[] } {
  const run = intactRun(b, "audit");
  const section = auditSectionOf(run).audit;
  if (!section || run.environment.mode !== "audit") {
    throw new Error(`${b.dir} is not an audit bundle: run.json has ${section ? "an audit record but environment.mode " + JSON.stringify(run.environment.mode) : "no audit record"}; give the directory \`secretproof audit --out\` created`);
  }
  return { run, claims: section.claims };
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();
const of = (vs: readonly Verdict[], c: ClaimId) => vs.filter((v) => v.claim === c).map((v) => v.verdict);

/** What the audit says of one claim: decided, or inconclusive with its reasons (its verdict's, else its record's). */
function auditSide(verdicts: readonly Verdict[], claims: readonly AuditClaimLine[], c: ClaimId): ClaimComparison["audit"] {
  const mine = verdicts.filter((v) => v.claim === c);
  const value = mine.length ? worst(mine.map((v) => v.verdict)) : undefined;
  if (value === "pass" || value === "fail") return { decided: value };
  const reasons = mine.length ? mine.flatMap((v) => v.reasons) : (claims.find((x) => x.claim === c)?.reasons ?? []);
  const recorded = claims.find((x) => x.claim === c);
  const fallback = !recorded ? "the audit's record does not list it" : recorded.status === "run" ? "run, but no verdict was recorded" : "no reason recorded";
  return { inconclusive: oneLine(reasons.join("; ")) || fallback };
}

function line(c: ClaimComparison): string {
  if ("inconclusive" in c.audit) return `${c.claim}: suites ${c.suites}, audit inconclusive: ${c.audit.inconclusive}`;
  if (!judged(c.suites)) return `${c.claim}: the suites did not judge it (${c.suites}); audit ${c.audit.decided}`;
  return `${c.claim}: suites ${c.suites}, audit ${c.audit.decided}${c.agrees ? "" : ": MISMATCH"}`;
}

/**
 * The audit's decided verdicts against the suites' for the same claims, one
 * line per claim of the claim list. Pure.
 */
export function compareRuns(suites: RunRecord, audit: { run: RunRecord; claims: readonly AuditClaimLine[] }, expected: readonly ClaimId[]): Comparison {
  const claims = CLAIM_IDS.map((claim): ClaimComparison => {
    const s = of(suites.verdicts, claim);
    const a = auditSide(audit.run.verdicts, audit.claims, claim);
    const suitesValue = s.length ? worst(s) : "not run";
    return { claim, suites: suitesValue, audit: a, ...("decided" in a && judged(suitesValue) ? { agrees: a.decided === suitesValue } : {}) };
  });
  const mismatches = claims.filter((c) => c.agrees === false).map((c) => c.claim);
  const undecided = expected.filter((e) => !claims.some((c) => c.claim === e && "decided" in c.audit));
  const decided = claims.filter((c) => "decided" in c.audit).map((c) => c.claim);
  const unjudged = claims.filter((c) => "decided" in c.audit && !judged(c.suites));
  const exitCode = mismatches.length ? 1 : undecided.length || unjudged.length ? 2 : 0;
  return { claims, mismatches, undecided, unjudged: unjudged.map((c) => c.claim), exitCode, lines: [...claims.map(line), ...summaryOf(mismatches, undecided, unjudged, decided)] };
}

/** The closing lines: what differs, or what the comparison could not test, or that every decided claim agrees. */
function summaryOf(mismatches: readonly ClaimId[], undecided: readonly ClaimId[], unjudged: readonly ClaimComparison[], decided: readonly ClaimId[]): string[] {
  if (mismatches.length) return [`the audit's verdicts differ from the suites' for ${mismatches.join(", ")}`];
  const untested = [
    ...(undecided.length
      ? [`the audit did not decide ${undecided.join(", ")}, which a read-only audit of this target must decide${decided.length ? ` (it decided ${decided.join(", ")})` : " (it decided no claim)"}: the comparison tested nothing there`]
      : []),
    ...(unjudged.length
      ? [`the suites did not judge ${unjudged.map((c) => `${c.claim} (${c.suites})`).join(", ")}, which the audit decided: the comparison tested nothing there (did npm test end early?)`]
      : []),
  ];
  return untested.length ? untested : [`the audit decided ${decided.join(", ")}, each as the suites did`];
}
