import type { RejudgeOptions } from "../claims/registry.ts";
import type { RunCatalogue } from "../claims/detection/judge.ts";
import { LAYOUT as DETECTION } from "../claims/detection/layout.ts";
import { LAYOUT as ENFORCEMENT } from "../claims/enforcement/layout.ts";
import type { LoadedBundle } from "./bundle.ts";
import { catalogueDifferences, digestProblems, recordedProfileProblem, resolveCatalogue, sha256, shortDigest } from "./expectations.ts";
import { verifierExpectations, type CustomExpectations, type VerifierExpectations } from "./own-expectations.ts";

/** What comparing a bundle with the verifier's expectations found, and how the families re-judge with them. */
export interface ExpectationCheck {
  /** Each expectation the bundle does not share with the verifier: the bundle is untrusted. */
  integrity: string[];
  notes: string[];
  /** "custom catalogue (sha256 …)" lines, when a custom file replaced the verifier's own. */
  custom: string[];
  rejudge: RejudgeOptions;
}

const CATALOGUE_FILES = [DETECTION.catalogue, ENFORCEMENT.catalogue];

function recordedCatalogue(bundle: LoadedBundle, path: string): RunCatalogue | string {
  try {
    const c = bundle.view.json<RunCatalogue>(path);
    if (!Array.isArray(c?.attacks) || !Array.isArray(c?.environment?.conditions)) return `${path} is not a recorded catalogue (environment and attacks)`;
    return c;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function commitNote(commit: string | undefined): string {
  if (!commit) return "the bundle does not record the suite's commit: the suite that made it was not a git checkout";
  if (commit.endsWith("-dirty")) return `the suite that made the bundle was at commit ${commit.slice(0, -"-dirty".length)} with uncommitted changes`;
  return `the suite that made the bundle was at commit ${commit}`;
}

/** Where an audit's bundle keeps the policy --apply-policy sent (harness/audit/policy-record.ts POLICY_LAYOUT.applied; the audit imports the report, not the reverse). */
export const AUDIT_POLICY_SENT = "audit/policy.yaml";

/** The TracingPolicy the run applied (enforcement/policy.yaml) must be the policy whose digest the run records. */
function appliedPolicyProblem(bundle: LoadedBundle, recorded: string | undefined): string | undefined {
  if (!bundle.view.has(ENFORCEMENT.policy)) return undefined;
  const applied = sha256(bundle.view.text(ENFORCEMENT.policy).replaceAll("\r\n", "\n"));
  // An audit applies the auditor's policy (--apply-policy FILE), not this secretproof's: it must be the object the run sent, audit/policy.yaml.
  if (bundle.run?.environment?.mode === "audit" && bundle.view.has(AUDIT_POLICY_SENT)) {
    const sent = sha256(bundle.view.text(AUDIT_POLICY_SENT).replaceAll("\r\n", "\n"));
    return applied === sent ? undefined : `${ENFORCEMENT.policy}, the TracingPolicy the attacks ran under (${shortDigest(applied)}), is not the policy --apply-policy sent (${AUDIT_POLICY_SENT}, ${shortDigest(sent)})`;
  }
  if (!recorded) return undefined;
  if (applied === recorded) return undefined;
  return `${ENFORCEMENT.policy}, the TracingPolicy the run applied (${shortDigest(applied)}), is not the Tetragon policy its expectations record (${shortDigest(recorded)})`;
}

/** Compares the bundle's recorded expectations with the verifier's, `own` standing in for this secretproof's (tests, custom files). */
export function checkExpectations(bundle: LoadedBundle, custom: CustomExpectations = {}, own?: VerifierExpectations): ExpectationCheck {
  const out: ExpectationCheck = { integrity: [], notes: [], custom: [], rejudge: {} };
  const run = bundle.run;
  if (!run) return out;
  const profileName = (run.profile as { name?: unknown } | null)?.name;
  const mine = own ?? verifierExpectations(typeof profileName === "string" ? profileName : undefined, custom);
  out.custom.push(...mine.custom);
  const recorded = run.expectations;
  out.integrity.push(...mine.problems, ...digestProblems(recorded, mine.digests));
  const profileProblem = recordedProfileProblem(run.profile, recorded);
  if (profileProblem) out.integrity.push(profileProblem);
  if (recorded) out.notes.push(commitNote(recorded.commit));
  const policy = appliedPolicyProblem(bundle, recorded?.tetragonPolicy);
  if (policy) out.integrity.push(policy);
  for (const path of CATALOGUE_FILES.filter((p) => bundle.view.has(p))) {
    const rc = recordedCatalogue(bundle, path);
    if (typeof rc === "string") out.integrity.push(rc);
    else out.integrity.push(...catalogueDifferences(rc, resolveCatalogue(mine.catalogue.attacks, rc.environment, rc), path));
  }
  out.rejudge = {
    expectedCatalogue: (rc) => resolveCatalogue(mine.catalogue.attacks, rc.environment, rc),
    priorities: mine.priorities,
  };
  return out;
}
