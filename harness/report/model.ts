import type { BundleView, MatrixRow } from "../claims/registry.ts";
import { CLAIM_IDS, type ClaimId, type Verdict, type VerdictValue, worst } from "../claims/verdict.ts";
import type { RunRecord, StepTiming } from "../evidence/recorder.ts";
import { CLAIM_TITLES } from "./claim-titles.ts";
import { flatten } from "./flatten.ts";
import { readMatrix } from "../claims/matrix.ts";
import type { DeclaredBlindSpot } from "../attack/blind-spots.ts";
import { attackGrid, type GridRow } from "./attack-grid.ts";
import { canonicalJson, sha256 } from "./expectations.ts";
import { buildTimeline, type Timeline } from "./timeline/model.ts";
import { mutationView, type ReportMutation } from "./mutation-view.ts";
import { type AuditSection, auditSectionOf } from "./audit-section.ts";

export type ShownVerdict = VerdictValue | "not run";

/** One line of the claim table: a verdict, or a claim the run has no verdict for. */
export interface ClaimRow {
  claim: ClaimId;
  title: string;
  subject?: string;
  verdict: ShownVerdict;
  reasons: string[];
  evidence: string[];
  negativeControl?: Verdict["negativeControl"];
}

/** Everything a report shows, computed from a bundle without I/O or clock. */
export interface ReportModel {
  runId: string;
  status: RunRecord["status"];
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  tool: RunRecord["tool"];
  profileName: string;
  /** The digests of what parametrized the judges, as run.json records them, in one line. */
  expectations: string;
  /** "custom catalogue (sha256 …)" lines: what replaced this secretproof's own expectations. */
  custom: string[];
  /** Worst verdict per claim, in claim-table order. */
  overall: { claim: ClaimId; title: string; verdict: ShownVerdict }[];
  claims: ClaimRow[];
  matrix: MatrixRow[];
  /** Why the matrix could not be read, when it could not. */
  matrixError?: string;
  /** What neither control catches by design (fixtures/attacks/blind-spots.yaml). */
  blindSpots?: DeclaredBlindSpot[];
  /** The matrix in catalogue order, each cell compared with the recorded catalogue. */
  grid: GridRow[];
  gridNote?: string;
  timeline: Timeline;
  /** The run's identity in one line: commit, profile, versions digest, expectations digests, provenance. */
  identity: [string, string][];
  steps: StepTiming[];
  suites: StepTiming[];
  /** The kind node's memory per step and suite, when the run sampled it. */
  memory?: RunRecord["memory"];
  versions: [string, string][];
  profile: [string, string][];
  environment: [string, string][];
  /** The mutation the run was built under, if any. */
  mutation?: ReportMutation;
  /** An audit run's per-claim status and reasons (run.json `audit`). */
  audit?: AuditSection;
}

function claimRows(verdicts: readonly Verdict[]): ClaimRow[] {
  const rows: ClaimRow[] = [];
  for (const claim of CLAIM_IDS) {
    const mine = verdicts.filter((v) => v.claim === claim);
    if (mine.length === 0) {
      rows.push({ claim, title: CLAIM_TITLES[claim], verdict: "not run", reasons: ["no verdict recorded"], evidence: [] });
    }
    for (const v of mine) rows.push({ ...v, title: CLAIM_TITLES[claim] });
  }
  return rows;
}

export function overallVerdicts(verdicts: readonly Verdict[]): ReportModel["overall"] {
  return CLAIM_IDS.map((claim) => {
    const mine = verdicts.filter((v) => v.claim === claim).map((v) => v.verdict);
    return { claim, title: CLAIM_TITLES[claim], verdict: mine.length ? worst(mine) : "not run" };
  });
}

function matrixOf(view: BundleView): Pick<ReportModel, "matrix" | "matrixError" | "grid" | "gridNote" | "timeline"> {
  let matrix: MatrixRow[] = [];
  let matrixError: string | undefined;
  try {
    matrix = readMatrix(view);
  } catch (err) {
    matrixError = err instanceof Error ? err.message : String(err);
  }
  const grid = attackGrid(view, matrix);
  return {
    matrix,
    ...(matrixError ? { matrixError } : {}),
    grid: grid.rows,
    ...(grid.catalogueError ? { gridNote: grid.catalogueError } : {}),
    timeline: buildTimeline(view, matrix),
  };
}

const IDENTITY_DIGESTS = [["catalogue", "catalogue"], ["falcoRules", "rules"], ["tetragonPolicy", "policy"], ["profile", "profile digest"], ["claims", "claims"]] as const;

/**
 * Provenance as the report can state it: the attestation is made after the
 * bundle (and its reports) are packed, so the report never holds it; the
 * e2e-provenance artifact does, and `verify --attestation` checks it.
 */
export const PROVENANCE_NONE = "attested outside the bundle: verify --attestation";

/** commit, profile, versions digest, each expectation digest (12 hex), provenance: label → value. */
export function runIdentity(run: RunRecord, profileName: string): [string, string][] {
  const e = run.expectations;
  const digests: [string, string][] = e ? IDENTITY_DIGESTS.map(([k, what]) => [what, e[k].slice(0, 12)]) : [["expectations", "not recorded"]];
  return [
    ["commit", e?.commit ? e.commit.slice(0, 12) : "unknown"],
    ["profile", profileName],
    ["versions", sha256(canonicalJson(run.versions)).slice(0, 12)],
    ...digests,
    ["provenance", PROVENANCE_NONE],
  ];
}

const SHOWN_DIGESTS = [["catalogue", "attack catalogue"], ["falcoRules", "Falco rules"], ["tetragonPolicy", "Tetragon policy"], ["profile", "profile"], ["claims", "claim list"]] as const;

/** run.json's expectations digests in words, or that it records none. */
export function expectationsLine(e: RunRecord["expectations"]): string {
  if (!e) return "the run recorded no expectations digests (an older secretproof)";
  const digests = SHOWN_DIGESTS.map(([k, what]) => `${what} sha256 ${e[k].slice(0, 12)}…`).join(", ");
  return `expectations: ${digests}; suite commit ${e.commit ?? "unknown"}`;
}

/** Builds the report from a run record, its verdicts, and the bundle's matrix rows. */
export function buildReportModel(run: RunRecord, view: BundleView, verdicts: readonly Verdict[] = run.verdicts, custom: readonly string[] = []): ReportModel {
  const start = Date.parse(run.startedAt);
  const end = run.finishedAt ? Date.parse(run.finishedAt) : NaN;
  const profile = run.profile as { name?: unknown } | null;
  return {
    runId: run.runId,
    status: run.status,
    startedAt: run.startedAt,
    ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
    ...(Number.isFinite(end - start) ? { durationMs: end - start } : {}),
    tool: run.tool,
    profileName: typeof profile?.name === "string" ? profile.name : "unknown",
    expectations: expectationsLine(run.expectations),
    custom: [...custom],
    overall: overallVerdicts(verdicts),
    claims: claimRows(verdicts),
    ...matrixOf(view),
    identity: runIdentity(run, typeof profile?.name === "string" ? profile.name : "unknown"),
    steps: run.steps,
    suites: run.suites,
    ...(run.memory ? { memory: run.memory } : {}),
    versions: flatten(run.versions),
    profile: flatten(run.profile),
    environment: Object.entries(run.environment),
    ...mutationView(run),
    ...auditSectionOf(run),
  };
}
