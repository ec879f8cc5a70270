import type { ClaimFamily, RejudgeOptions } from "../claims/registry.ts";
import { FAMILIES } from "./families.ts";
import { CLAIM_IDS, type ClaimId, type Verdict, worst } from "../claims/verdict.ts";
import { TOOL_VERSION } from "../core/tool.ts";
import { VERDICTS_DIR } from "../evidence/recorder.ts";
import { DERIVED_FILES, type LoadedBundle, loadBundle } from "./bundle.ts";
import { type ClaimGap, claimCoverage } from "./coverage.ts";
import { type FamilyRejudge, rejudgeFamily } from "./rejudge.ts";
import type { CustomExpectations, VerifierExpectations } from "./own-expectations.ts";
import { checkExpectations } from "./verify-expectations.ts";
import { type AttestationFlags, checkProvenance } from "../provenance/check.ts";
import type { ProvenanceResult } from "../provenance/verify-attestation.ts";
import { type KnownSecret, type SecretFinding, scanForKnown, scanForSecrets } from "./secret-scan.ts";
import { renderReports } from "./write-report.ts";

export interface VerifyOptions {
  /** Claim families to re-judge with; defaults to every registered family. */
  families?: readonly ClaimFamily[];
  /** Claims that must pass for the bundle to pass; defaults to every claim. */
  requiredClaims?: readonly ClaimId[];
  /** What an auditor adds to every family's re-judge, e.g. the etcd encryption keys. */
  rejudge?: RejudgeOptions;
  /** Live values no file may hold in any spelling (e.g. the cluster's secrets: they have no shape to scan for). */
  knownSecrets?: readonly KnownSecret[];
  /** Files replacing this secretproof's own catalogue or profile (`--catalogue`, `--profile`). */
  custom?: CustomExpectations;
  /** Expectations standing in for this secretproof's own (tests). */
  expectations?: VerifierExpectations;
  /** A Sigstore attestation the bundle's pack must be the subject of, signed by the expected workflow (`--attestation`). */
  attestation?: AttestationFlags;
}

export interface VerifyResult {
  dir: string;
  runId?: string;
  /** Missing, changed, unlisted or malformed files. */
  integrity: string[];
  /** Live-secret shapes found in any file, and the auditor's encryption keys wherever they appear. */
  leaks: SecretFinding[];
  /** Where the evidence, judged again, disagrees with the recorded verdicts. */
  mismatches: string[];
  notes: string[];
  /** "custom catalogue (sha256 …)" lines: what replaced the verifier's own expectations. */
  custom: string[];
  /** Families whose verdicts were re-judged from the evidence. */
  rejudged: string[];
  /** The verdicts verify stands behind: only those re-judged from the bundle's evidence. */
  verdicts: Verdict[];
  /** Claims no re-judged evidence proves, and why. */
  notProven: ClaimGap[];
  /** Verdicts the run recorded for claims whose evidence the bundle does not hold. */
  untrustworthy: string[];
  /** Required claims that did not pass (failed, inconclusive, or not proven). */
  failedClaims: ClaimId[];
  /** The attestation checked with `--attestation`; any problem makes the bundle untrusted. */
  provenance?: ProvenanceResult;
  /** No integrity problem, no leak, no mismatch, no verdict recorded without its evidence, no provenance problem. */
  trusted: boolean;
  /** Trusted, and every required claim passed. */
  ok: boolean;
}

function checkDerived(bundle: LoadedBundle, notes: string[]): string[] {
  const present = DERIVED_FILES.filter((f) => bundle.view.has(f));
  if (!bundle.run || present.length === 0) return [];
  if (bundle.run.tool.version !== TOOL_VERSION) {
    notes.push(`reports written by secretproof ${bundle.run.tool.version} are not compared (this is ${TOOL_VERSION})`);
    return [];
  }
  const fresh = renderReports(bundle);
  return present
    .filter((f) => bundle.view.text(f) !== fresh[f])
    .map((f) => `changed file: ${f} does not match the report the bundle's evidence renders to`);
}

function rejudgeAll(bundle: LoadedBundle, families: readonly ClaimFamily[], notes: string[], opts?: RejudgeOptions): FamilyRejudge[] {
  const run = bundle.run;
  if (!run) return [];
  const known = new Set(families.map((f) => `${VERDICTS_DIR}/${f.id}.json`));
  for (const f of bundle.view.files.filter((p) => p.startsWith(`${VERDICTS_DIR}/`) && !known.has(p))) {
    notes.push(`${f} belongs to no claim family this secretproof knows: its verdicts are not re-judged and do not stand`);
  }
  return families.map((f) => rejudgeFamily(f, bundle.view, run.verdicts, opts));
}

/** Checks a bundle offline: manifest, run.json, secret shapes, and every judge re-run on the evidence. */
export async function verifyBundle(dir: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const families = opts.families ?? FAMILIES;
  const required = opts.requiredClaims ?? CLAIM_IDS;
  const bundle = await loadBundle(dir);
  const notes: string[] = [];
  const integrity = [...bundle.integrity];
  const known: KnownSecret[] = (opts.rejudge?.encryptionKeys ?? []).map((k) => ({
    label: `etcd encryption key${k.name ? ` "${k.name}"` : ""}`,
    value: k.secret,
  }));
  known.push(...(opts.knownSecrets ?? []));
  const leaks = bundle.view.files.flatMap((f) => [...scanForSecrets(f, bundle.view.bytes(f)), ...scanForKnown(f, bundle.view.bytes(f), known)]);
  const expected = checkExpectations(bundle, opts.custom, opts.expectations);
  integrity.push(...expected.integrity);
  notes.push(...expected.notes);
  const results = rejudgeAll(bundle, families, notes, { ...opts.rejudge, ...expected.rejudge });
  integrity.push(...results.flatMap((r) => r.integrity));
  try {
    integrity.push(...checkDerived(bundle, notes));
  } catch (err) {
    notes.push(`reports could not be rendered for comparison: ${err instanceof Error ? err.message : String(err)}`);
  }
  const mismatches = results.flatMap((r) => r.mismatches);
  const coverage = claimCoverage(CLAIM_IDS, families, results, bundle.run?.verdicts ?? [], (p) => bundle.view.has(p));
  notes.push(...coverage.notes);
  const { verdicts, notProven, untrustworthy } = coverage;
  const failedClaims = required.filter((c) => worst(verdicts.filter((v) => v.claim === c).map((v) => v.verdict)) !== "pass");
  if (bundle.run && bundle.run.status === "running") integrity.push("run.json status is still \"running\": the run never finalized");
  const provenance = opts.attestation ? await checkProvenance(dir, bundle.run?.expectations?.commit, opts.attestation) : undefined;
  const trusted = integrity.length === 0 && leaks.length === 0 && mismatches.length === 0 && untrustworthy.length === 0 && !provenance?.problems.length;
  return {
    dir,
    ...(bundle.run ? { runId: bundle.run.runId } : {}),
    integrity,
    leaks,
    mismatches,
    notes,
    custom: expected.custom,
    rejudged: coverage.rejudged,
    verdicts,
    notProven,
    untrustworthy,
    failedClaims,
    ...(provenance ? { provenance } : {}),
    trusted,
    ok: trusted && failedClaims.length === 0,
  };
}
