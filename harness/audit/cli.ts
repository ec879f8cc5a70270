import type { Command } from "commander";

/** The actions load the Kubernetes client and the judges only when an audit command runs. */
const actions = () => import("./cli-actions.ts");

interface AuditFlags {
  target?: string;
  out?: string;
  attack?: boolean;
  /** `audit --apply-policy FILE` gives the path; the subcommands' bare flag gives true. */
  applyPolicy?: boolean | string;
}

/** --target is checked here, not by commander: `audit compare` runs without one, and commander requires a parent's mandatory option of its subcommands too. */
function withTarget(opts: AuditFlags): AuditFlags & { target: string } {
  if (!opts.target) throw new Error("this audit command needs --target <file> (the audit target file, see docs/audit.md)");
  return { ...opts, target: opts.target };
}

/** `secretproof target` and `secretproof audit` (with `audit rbac`, `audit preflight` and `audit compare`). */
export function registerAuditCommands(program: Command): void {
  program
    .command("target")
    .description("print the audit target file for the kind cluster `up` built ($SECRETPROOF_CLUSTER)")
    .option("--etcd-certs <dir>", "copy the control-plane node's etcd CA and client certificate and key into DIR (docker cp) and give etcd as its endpoint and these files")
    .action(async (opts: { etcdCerts?: string }) => (await actions()).targetAction(opts));
  const audit = program
    .command("audit")
    .description("prove the claims on an existing cluster, read-only unless --attack: preflight, passive collectors, a bundle `verify` and `report` read")
    .option("--target <file>", "the audit target file (see docs/audit.md); every audit command but compare needs it")
    .option("--out <dir>", "where the run directory is created (default: $SECRETPROOF_RUNS_DIR or runs/)")
    .option("--attack", "consent to run the attack catalogue's read methods in one workload pod (pods/exec; raises Falco alerts) and judge F1/F2")
    .option("--apply-policy [file]", "with --attack: apply this TracingPolicyNamespaced in the workload's namespace for the attacks, prove it enforces, and always remove it (docs/audit.md); exit 3 when its step failed or its removal or unload is not proven, 1 on a failing verdict, 130/143/129 when interrupted")
    .action(async (opts: AuditFlags) => (await actions()).auditAction(withTarget(opts)));
  audit
    .command("rbac")
    .description("print the Role/ClusterRole the audit needs, each rule naming the claims that need it (audit --target FILE rbac, or audit rbac --target FILE)")
    .option("--attack", "add what running the catalogue's read methods in the workload needs (pods/exec)")
    .option("--apply-policy", "add what applying and removing a TracingPolicy needs")
    .action(async (_opts: object, cmd: Command) => (await actions()).rbacAction(withTarget(cmd.optsWithGlobals<AuditFlags>())));
  audit
    .command("preflight")
    .description("check each permission of the plan with SelfSubjectAccessReview; per claim, runnable or why not")
    .option("--attack", "plan for --attack")
    .option("--apply-policy", "plan for --apply-policy")
    .action(async (_opts: object, cmd: Command) => (await actions()).preflightAction(withTarget(cmd.optsWithGlobals<AuditFlags>())));
  audit
    .command("compare <suites-run-dir> <audit-run-dir>")
    .description("compare the audit's decided verdicts with the e2e suites' for the same claims; exit 1 on a mismatch, 2 when it decided none it must on the kind target")
    .action(async (suitesDir: string, auditDir: string) => (await import("./compare-action.ts")).compareAction(suitesDir, auditDir));
}
