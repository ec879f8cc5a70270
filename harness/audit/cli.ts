import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { clusterName } from "../../clusters/names.ts";
import { stateDir } from "../cluster/state/state.ts";
import { runsRoot } from "../cluster/run/run-dir.ts";
import { PermanentError } from "../core/errors.ts";
import { kubectl } from "../kube/kubectl.ts";
import { loadProfile } from "../profile.ts";
import { toMs } from "../../clusters/duration.ts";
import { checkOutside, reviewAccess, targetKubeConfig, whoAmI } from "./access-check.ts";
import { accessPlan, type AuditMode } from "./access-plan.ts";
import { formatReadiness, judgePreflight } from "./preflight-judge.ts";
import { renderRbac } from "./rbac.ts";
import { runAudit } from "./run-audit.ts";
import { renderKindTarget } from "./target-kind.ts";
import { parseTarget, type AuditTarget } from "./target.ts";

async function loadTarget(path: string): Promise<AuditTarget> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new PermanentError(`cannot read the audit target ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  return parseTarget(text, path);
}

async function rbacAction(opts: { target: string; attack?: boolean; applyPolicy?: boolean }): Promise<void> {
  const target = await loadTarget(opts.target);
  const mode: AuditMode = { attack: Boolean(opts.attack), applyPolicy: Boolean(opts.applyPolicy) };
  const flags = [mode.attack && "--attack", mode.applyPolicy && "--apply-policy"].filter(Boolean).join(" ") || "read-only";
  const header = [
    `What \`secretproof audit\` (${flags}) needs for the target ${opts.target} (context ${target.kubeContext}).`,
    "Bind each role to the auditor's identity (a ClusterRoleBinding for the ClusterRole, a RoleBinding per Role).",
  ];
  process.stdout.write(renderRbac(accessPlan(target, mode), header));
}

async function auditAction(opts: { target: string; out?: string }): Promise<void> {
  const target = await loadTarget(opts.target);
  const profile = loadProfile();
  const kc = targetKubeConfig(target);
  const kube = kubectl(target.kubeContext, toMs(profile.waits.command));
  const result = await runAudit({
    target,
    profile,
    root: opts.out ? resolve(opts.out) : runsRoot(),
    io: { kube, reviewAccess: (plan) => reviewAccess(kc, plan), checkOutside: () => checkOutside(target), whoAmI: () => whoAmI(kc) },
  });
  const lines = result.record.claims.flatMap((c) => (c.status === "run" ? [`${c.claim}: run`] : c.reasons.map((r) => `${c.claim}: inconclusive: ${r}`)));
  const verdicts = result.verdicts.map((v) => `${v.claim}: ${v.verdict}`);
  process.stdout.write(`${[...lines, ...verdicts, `bundle: ${result.dir}`, `next: secretproof verify ${result.dir}`].join("\n")}\n`);
  if (result.verdicts.some((v) => v.verdict === "fail")) process.exitCode = 1;
}

async function preflightAction(opts: { target: string; attack?: boolean; applyPolicy?: boolean }): Promise<void> {
  const target = await loadTarget(opts.target);
  const kc = targetKubeConfig(target);
  const plan = accessPlan(target, { attack: Boolean(opts.attack), applyPolicy: Boolean(opts.applyPolicy) });
  const readiness = judgePreflight(plan, await reviewAccess(kc, plan), await checkOutside(target));
  process.stdout.write(`${formatReadiness(readiness)}\n`);
}

/** `secretproof target` and `secretproof audit` (with `audit rbac` and `audit preflight`). */
export function registerAuditCommands(program: Command): void {
  program
    .command("target")
    .description("print the audit target file for the kind cluster `up` built ($SECRETPROOF_CLUSTER)")
    .action(() => {
      const cluster = clusterName();
      process.stdout.write(renderKindTarget(cluster, stateDir(cluster)));
    });
  const audit = program
    .command("audit")
    .description("prove the claims on an existing cluster, read-only: preflight, passive collectors, a bundle `verify` and `report` read")
    .requiredOption("--target <file>", "the audit target file (see docs/audit.md)")
    .option("--out <dir>", "where the run directory is created (default: $SECRETPROOF_RUNS_DIR or runs/)")
    .action(auditAction);
  audit
    .command("rbac")
    .description("print the Role/ClusterRole the audit needs, each rule naming the claims that need it (audit --target FILE rbac, or audit rbac --target FILE)")
    .option("--attack", "add what running the catalogue's read methods in the workload needs (pods/exec)")
    .option("--apply-policy", "add what applying and removing a TracingPolicy needs")
    .action((_opts: object, cmd: Command) => rbacAction(cmd.optsWithGlobals()));
  audit
    .command("preflight")
    .description("check each permission of the plan with SelfSubjectAccessReview; per claim, runnable or why not")
    .option("--attack", "plan for --attack")
    .option("--apply-policy", "plan for --apply-policy")
    .action((_opts: object, cmd: Command) => preflightAction(cmd.optsWithGlobals()));
}
