import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { clusterName } from "../../clusters/names.ts";
import { stateDir } from "../cluster/state/state.ts";
import { runsRoot } from "../cluster/run/run-dir.ts";
import { PermanentError } from "../core/errors.ts";
import { redactor } from "../evidence/redact.ts";
import { kubectl } from "../kube/kubectl.ts";
import { loadProfile } from "../profile.ts";
import { toMs } from "../../clusters/duration.ts";
import { checkOutside, reviewAccess, targetKubeConfig, whoAmI } from "./access-check.ts";
import { accessPlan, type AuditMode } from "./access-plan.ts";
import { getOnly } from "./audit-kube.ts";
import { type PolicyFlags, policyFlag } from "./policy-flags.ts";
import { formatReadiness, judgePreflight } from "./preflight-judge.ts";
import { renderRbac } from "./rbac.ts";
import { checkEtcdClient, etcdTimeouts } from "./etcd-access.ts";
import { tlsGatewayReader } from "../etcd/gateway-tls.ts";
import { openPassiveSources } from "./passive-sources.ts";
import { runAudit } from "./run-audit.ts";
import { copyKindEtcdCerts } from "./kind-etcd-copy.ts";
import { AttackSession } from "../attack/session.ts";
import type { AttackWhere } from "../attack/where.ts";
import { TetragonCollector, type TetragonCollectorOptions } from "../tetragon/collector.ts";
import { auditExitCode } from "./policy-guards.ts";
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

export async function rbacAction(opts: { target: string; attack?: boolean; applyPolicy?: boolean | string }): Promise<void> {
  const target = await loadTarget(opts.target);
  const mode: AuditMode = { attack: Boolean(opts.attack), applyPolicy: Boolean(opts.applyPolicy) };
  const flags = [mode.attack && "--attack", mode.applyPolicy && "--apply-policy"].filter(Boolean).join(" ") || "read-only";
  const header = [
    `What \`secretproof audit\` (${flags}) needs for the target ${opts.target} (context ${target.kubeContext}).`,
    "Bind each role to the auditor's identity (a ClusterRoleBinding for the ClusterRole, a RoleBinding per Role).",
  ];
  process.stdout.write(renderRbac(accessPlan(target, mode), header));
}

export async function auditAction(opts: { target: string; out?: string; attack?: boolean } & PolicyFlags): Promise<void> {
  // --apply-policy is refused before anything is read unless --attack is given with it.
  const policyPath = policyFlag(opts);
  const policy = policyPath === undefined ? undefined : await import("./policy-cli.ts");
  const policyFile = policy && policyPath !== undefined ? await policy.loadPolicyFile(policyPath) : undefined;
  const target = await loadTarget(opts.target);
  const profile = loadProfile();
  const kc = targetKubeConfig(target);
  const kube = kubectl(target.kubeContext, toMs(profile.waits.command));
  const etcd = target.etcd;
  const mode: AuditMode = { attack: Boolean(opts.attack), applyPolicy: policyFile !== undefined };
  // Only --attack hands the run kubectl with exec and the attack session; a read-only run gets `get` alone.
  const attack = mode.attack
    ? {
        kube,
        openSession: (where: AttackWhere, phase = "detection") => AttackSession.open({ kube, profile }, phase, where),
        // Tetragon's stream is opened only by the enforcement phase, under the policy --apply-policy applied.
        ...(mode.applyPolicy ? { openTetragon: (o: TetragonCollectorOptions) => new TetragonCollector(o) } : {}),
      }
    : undefined;
  const result = await runAudit({
    target,
    profile,
    mode,
    root: opts.out ? resolve(opts.out) : runsRoot(),
    io: {
      kube: getOnly(kube),
      reviewAccess: (plan) => reviewAccess(kc, plan),
      checkOutside: () => checkOutside(target, process.env, redactor, (e) => checkEtcdClient(e, etcdTimeouts(profile))),
      whoAmI: () => whoAmI(kc),
      passiveSources: () => openPassiveSources(target, toMs(profile.waits.command)),
      ...(typeof etcd === "object" ? { etcdReader: () => tlsGatewayReader(etcd, etcdTimeouts(profile)) } : {}),
      ...(attack ? { attack } : {}),
      // The policy writer is built only here, only for --attack --apply-policy FILE (policy-cli.ts).
      ...(policy && policyFile ? { applyPolicy: { source: policyFile.source, bind: policy.applyPolicyWith(policyFile, { target, profile, kc }) } } : {}),
    },
  });
  const lines = result.record.claims.flatMap((c) => (c.status === "run" ? [`${c.claim}: run`] : c.reasons.map((r) => `${c.claim}: inconclusive: ${r}`)));
  const verdicts = result.verdicts.map((v) => `${v.claim}${v.subject ? ` (${v.subject})` : ""}: ${v.verdict}`);
  // the reasons carry collectors' error messages: the token and connection string read are registered with the redactor
  process.stdout.write(redactor.redact(`${[...lines, ...verdicts, `bundle: ${result.dir}`, `next: secretproof verify ${result.dir}`].join("\n")}\n`));
  if (result.record.policyError !== undefined) process.stderr.write(redactor.redact(`--apply-policy failed: ${result.record.policyError}\n`));
  // 3: the policy may be left or its unload is unproven, or its step failed; 129/130/143: interrupted; 1: a verdict failed.
  const code = auditExitCode({ failedVerdict: result.verdicts.some((v) => v.verdict === "fail"), ...(result.record.policy ? { policy: result.record.policy } : {}), ...(result.record.policyError !== undefined ? { policyError: result.record.policyError } : {}) });
  if (code) process.exitCode = code;
}

export async function preflightAction(opts: { target: string; attack?: boolean; applyPolicy?: boolean | string }): Promise<void> {
  const target = await loadTarget(opts.target);
  const kc = targetKubeConfig(target);
  const plan = accessPlan(target, { attack: Boolean(opts.attack), applyPolicy: Boolean(opts.applyPolicy) });
  const timeouts = etcdTimeouts(loadProfile());
  const readiness = judgePreflight(plan, await reviewAccess(kc, plan), await checkOutside(target, process.env, redactor, (e) => checkEtcdClient(e, timeouts)));
  process.stdout.write(redactor.redact(`${formatReadiness(readiness)}\n`));
}

/** `secretproof target`: the kind cluster's target, from its name and state directory; with --etcd-certs, etcd over its endpoint. */
export async function targetAction(opts: { etcdCerts?: string } = {}): Promise<void> {
  const cluster = clusterName();
  const etcd = opts.etcdCerts ? await copyKindEtcdCerts(cluster, opts.etcdCerts, toMs(loadProfile().waits.command)) : undefined;
  process.stdout.write(renderKindTarget(cluster, stateDir(cluster), etcd));
}
