import { join } from "node:path";
import { formatMs, toMs } from "../../clusters/duration.ts";
import { auditDeadlineMs } from "../cluster/run/run-bound.ts";
import type { Profile } from "../profile.ts";
import { parseTarget } from "./target.ts";

/** Where the e2e step's audit creates its run directory: uploaded with runs/, outside the glob that finds the suites' bundle (runs/<id>/run.json). */
export const E2E_AUDIT_OUT = "runs/audit";

/** The secretproof commands the e2e audit step runs, in order, as node argv; the client files and target stay in `workDir`, never under runs/. */
export interface AuditStepPlan {
  certDir: string;
  targetFile: string;
  target: string[];
  audit: string[];
  compare(auditDir: string): string[];
  /** `secretproof verify` of the audit's bundle: the manifest, the secret scan with the stack's secrets, every judge re-run. */
  verify(auditDir: string, files: { secretsFile: string; encryptionKeyFile?: string }): string[];
  /** The TCP connection to etcd's client URL must be established within this (the profile's waits.connect). */
  connectMs: number;
  describeConnect: string;
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
    verify: (auditDir, f) => [cli, "verify", auditDir, "--secrets-file", f.secretsFile, ...(f.encryptionKeyFile ? ["--encryption-key-file", f.encryptionKeyFile] : [])],
    connectMs: toMs(p.waits.connect),
    describeConnect: `${p.waits.connect} (the ${p.name} profile's waits.connect)`,
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

/** etcd's first client URL in the target `secretproof target --etcd-certs` printed, as host and port. Pure. */
export function etcdEndpointOf(targetYaml: string, source: string): { endpoint: string; host: string; port: number } {
  const etcd = parseTarget(targetYaml, source).etcd;
  const endpoint = typeof etcd === "object" ? etcd.endpoints[0] : undefined;
  if (!endpoint) throw new Error(`${source}: target.etcd is ${JSON.stringify(etcd)}, not the endpoint and client files \`target --etcd-certs\` gives`);
  const url = new URL(endpoint);
  return { endpoint, host: url.hostname, port: Number(url.port || 443) };
}

/**
 * Why the audit would not reach etcd: the node's address is not routed to
 * this machine. Docker Desktop and Colima (macOS, Windows) run containers in
 * a VM whose bridge the host does not route to; on Linux the kind network's
 * bridge is a local interface. Pure.
 */
export function etcdUnreachable(endpoint: string, node: string, err: unknown, plan: Pick<AuditStepPlan, "describeConnect">): string {
  const said = err instanceof Error ? `${(err as NodeJS.ErrnoException).code ? `${(err as NodeJS.ErrnoException).code}: ` : ""}${err.message}` : String(err);
  return (
    `etcd at ${endpoint} on kind node ${node} is not reachable from this machine: ${said} (a TCP connection, bounded by ${plan.describeConnect}); ` +
    "`target --etcd-certs` needs the node's IP routed to this machine, which holds where docker's bridge is local (Linux), not under Docker Desktop or Colima (docs/audit.md)"
  );
}

/** What verify's exit means to the step: 0, and 1 (claims not all passed: an audit leaves most inconclusive), trust the bundle; anything else stops it. Pure. */
export function verifyExitProblem(exitCode: number | null, signal: string | null, argv: readonly string[], deadline: string): string | undefined {
  if (exitCode === 0 || exitCode === 1) return undefined;
  const cmd = `node ${argv.join(" ")}`;
  if (exitCode === null) return `${cmd} was stopped (${signal ?? "no exit code"}) after ${deadline}: the audit bundle was not verified`;
  return `${cmd} exited ${exitCode}: the audit bundle is not trusted (its manifest, a secret found in a file, or a verdict its judge does not re-derive; verify's findings are above)`;
}
