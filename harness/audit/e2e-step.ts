import { join } from "node:path";
import { formatMs } from "../../clusters/duration.ts";
import { auditDeadlineMs } from "../cluster/run/run-bound.ts";
import type { Profile } from "../profile.ts";

/** Where the e2e step's audit creates its run directory: uploaded with runs/, outside the glob that finds the suites' bundle (runs/<id>/run.json). */
export const E2E_AUDIT_OUT = "runs/audit";

/** The secretproof commands the e2e audit step runs, in order, as node argv; the client files and target stay in `workDir`, never under runs/. */
export interface AuditStepPlan {
  certDir: string;
  targetFile: string;
  target: string[];
  audit: string[];
  compare(auditDir: string): string[];
  /** `secretproof audit` is stopped after this (twice the profile's target.audit). */
  deadlineMs: number;
  describeDeadline: string;
}

/** Pure. */
export function auditStepPlan(p: Profile, o: { suitesDir: string; workDir: string; outRoot?: string; cli?: string }): AuditStepPlan {
  const cli = o.cli ?? "bin/secretproof.js";
  const out = o.outRoot ?? E2E_AUDIT_OUT;
  const certDir = join(o.workDir, "etcd");
  const targetFile = join(o.workDir, "target.yaml");
  const deadlineMs = auditDeadlineMs(p);
  return {
    certDir,
    targetFile,
    target: [cli, "target", "--etcd-certs", certDir],
    audit: [cli, "audit", "--target", targetFile, "--out", out],
    compare: (auditDir) => [cli, "audit", "compare", o.suitesDir, auditDir],
    deadlineMs,
    describeDeadline: `${formatMs(deadlineMs)} (twice the ${p.name} profile's target.audit ${p.target.audit})`,
  };
}

/** The run directory the audit created: the one directory with a run.json that was not there before it ran. Pure. */
export function newRunDir(before: readonly string[], after: readonly string[], outRoot: string): string {
  const fresh = after.filter((d) => !before.includes(d));
  if (fresh.length !== 1) {
    throw new Error(`expected the audit to create one run directory with a run.json under ${outRoot}, found ${fresh.length ? fresh.join(", ") : "none"}`);
  }
  return join(outRoot, fresh[0]!);
}

/** What an audit's exit means to the step: 0 and 1 (a claim failed) leave a bundle to compare; anything else stops it. Pure. */
export function auditExitProblem(exitCode: number | null, signal: string | null, plan: Pick<AuditStepPlan, "audit" | "describeDeadline">): string | undefined {
  if (exitCode === 0 || exitCode === 1) return undefined;
  const cmd = `node ${plan.audit.join(" ")}`;
  if (exitCode === null) return `${cmd} was stopped (${signal ?? "no exit code"}) at its deadline ${plan.describeDeadline}: no bundle to compare`;
  return `${cmd} exited ${exitCode}: the audit could not run (its error is above), so there is nothing to compare`;
}
