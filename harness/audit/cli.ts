import type { Command } from "commander";

/** The actions load the Kubernetes client and the judges only when an audit command runs. */
const actions = () => import("./cli-actions.ts");

interface AuditFlags {
  target: string;
  out?: string;
  attack?: boolean;
  /** `audit --apply-policy FILE` gives the path; the subcommands' bare flag gives true. */
  applyPolicy?: boolean | string;
}

/** `secretproof target` and `secretproof audit` (with `audit rbac` and `audit preflight`). */
export function registerAuditCommands(program: Command): void {
  program
    .command("target")
    .description("print the audit target file for the kind cluster `up` built ($SECRETPROOF_CLUSTER)")
    .action(async () => (await actions()).targetAction());
  const audit = program
    .command("audit")
    .description("prove the claims on an existing cluster, read-only unless --attack: preflight, passive collectors, a bundle `verify` and `report` read")
    .requiredOption("--target <file>", "the audit target file (see docs/audit.md)")
    .option("--out <dir>", "where the run directory is created (default: $SECRETPROOF_RUNS_DIR or runs/)")
    .option("--attack", "consent to run the attack catalogue's read methods in one workload pod (pods/exec; raises Falco alerts) and judge F1/F2")
    .option("--apply-policy [file]", "with --attack: apply this TracingPolicyNamespaced in the workload's namespace for the attacks, prove it enforces, and always remove it (docs/audit.md)")
    .action(async (opts: AuditFlags) => (await actions()).auditAction(opts));
  audit
    .command("rbac")
    .description("print the Role/ClusterRole the audit needs, each rule naming the claims that need it (audit --target FILE rbac, or audit rbac --target FILE)")
    .option("--attack", "add what running the catalogue's read methods in the workload needs (pods/exec)")
    .option("--apply-policy", "add what applying and removing a TracingPolicy needs")
    .action(async (_opts: object, cmd: Command) => (await actions()).rbacAction(cmd.optsWithGlobals<AuditFlags>()));
  audit
    .command("preflight")
    .description("check each permission of the plan with SelfSubjectAccessReview; per claim, runnable or why not")
    .option("--attack", "plan for --attack")
    .option("--apply-policy", "plan for --apply-policy")
    .action(async (_opts: object, cmd: Command) => (await actions()).preflightAction(cmd.optsWithGlobals<AuditFlags>()));
}
