/**
 * A bundle with the evidence of three families (dynamic D1–D4, detection
 * F1/F2, enforcement T1–T3) for the report's tests: the real recorder, the
 * real judges and matrix derivations, run over the shared fixtures.
 */
import type { DynamicEvidence } from "../../harness/claims/dynamic/evidence.ts";
import { dynamicFamily } from "../../harness/claims/dynamic/family.ts";
import { LAYOUT as DYNAMIC } from "../../harness/claims/dynamic/layout.ts";
import { loadDetectionEvidence } from "../../harness/claims/detection/evidence.ts";
import { judgeDetection } from "../../harness/claims/detection/judge.ts";
import { detectionMatrixFiles } from "../../harness/claims/detection/matrix.ts";
import { loadEnforcementEvidence } from "../../harness/claims/enforcement/evidence.ts";
import { enforcementFamily } from "../../harness/claims/enforcement/family.ts";
import { enforcementMatrixFiles } from "../../harness/claims/enforcement/matrix.ts";
import { EvidenceRecorder } from "../../harness/evidence/recorder.ts";
import { Redactor } from "../../harness/evidence/redact.ts";
import { PROFILES } from "../../harness/profile.ts";
import { runExpectations } from "../../harness/report/own-expectations.ts";
import { deriveReports } from "../../harness/report/write-report.ts";
import { versions } from "../../clusters/versions.ts";
import { detectionFiles, smallCatalogue } from "./build-detection-bundle.ts";
import { enforcementFiles } from "./build-enforcement-bundle.ts";
import { memoryBundle } from "./bundle.ts";
import { T0, passingEvidence, pod } from "./dynamic-fixtures.ts";

const jsonLines = (xs: readonly object[] | undefined) => (xs ?? []).map((x) => `${JSON.stringify(x)}\n`).join("");

/** The dynamic evidence as the suite's files (evidence.ts's layout). */
export function dynamicFiles(ev: DynamicEvidence): Record<string, string | object> {
  return {
    [DYNAMIC.params]: ev.params,
    [DYNAMIC.appSamples]: jsonLines(ev.appSamples),
    [DYNAMIC.podSamples]: jsonLines(ev.podSamples),
    [DYNAMIC.pgRoles]: jsonLines(ev.pgRoles),
    [DYNAMIC.leases]: jsonLines(ev.leases),
    ...(ev.d1 ? { [DYNAMIC.d1]: ev.d1 } : {}),
    ...(ev.revocation ? { [DYNAMIC.revocation]: ev.revocation } : {}),
    ...(ev.logins ? { [DYNAMIC.logins]: ev.logins } : {}),
  };
}

export interface ReportBundleOpts {
  /** Tetragon did not kill `cat` (T1 fails) and the app container restarted during the rotation window (D2 fails). */
  failing?: boolean;
}

/** The dynamic evidence of the bundle: the passing record, or one whose pod restarted. */
export function reportDynamicEvidence(o: ReportBundleOpts = {}): DynamicEvidence {
  const ev = passingEvidence();
  return o.failing ? { ...ev, podSamples: [pod(T0), pod(T0 + 25_000, 1), pod(T0 + 51_000, 1)] } : ev;
}

/** A finalized bundle (run.json, SHA256SUMS, report.md, report.html) of the three families. */
export async function buildReportBundle(root: string, o: ReportBundleOpts = {}): Promise<string> {
  const rec = await EvidenceRecorder.create(
    root,
    { tool: { name: "secretproof", version: "0.1.0", node: process.version }, profile: PROFILES.ci, versions, expectations: runExpectations(PROFILES.ci) },
    new Redactor(),
  );
  const dyn = dynamicFiles(reportDynamicEvidence(o));
  const det = detectionFiles(smallCatalogue(["cat", "proc-mem"]));
  const enf = enforcementFiles({ catSurvived: o.failing === true });
  for (const [path, content] of Object.entries({ ...dyn, ...det, ...enf })) await rec.write(path, content);
  const detection = loadDetectionEvidence(memoryBundle(det));
  const enforcement = loadEnforcementEvidence(memoryBundle(enf));
  for (const [path, row] of [...detectionMatrixFiles(detection), ...enforcementMatrixFiles(enforcement)]) await rec.write(path, row);
  const verdicts = { dynamic: dynamicFamily.rejudge(memoryBundle(dyn)), detection: judgeDetection(detection), enforcement: enforcementFamily.rejudge(memoryBundle(enf)) };
  for (const [family, list] of Object.entries(verdicts)) await rec.verdicts(family, list);
  const passed = Object.values(verdicts).every((l) => l.every((v) => v.verdict === "pass"));
  await rec.finalize(passed ? "passed" : "failed", { derive: deriveReports });
  return rec.dir;
}
