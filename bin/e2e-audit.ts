/**
 * The e2e workflow's audit step: after the suites, `secretproof audit` runs
 * read-only against the same kind cluster with `secretproof target
 * --etcd-certs`'s file, `secretproof verify` checks its bundle, and
 * `secretproof audit compare` holds its decided verdicts to the suites'.
 * Usage: node --import tsx bin/e2e-audit.ts SUITES_RUN_DIR.
 * Exits with compare's code (0 agree, 1 mismatch, 2 nothing comparable), or 2
 * when a step before it fails. The plan is harness/audit/e2e-step.ts.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readdir, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { $ } from "zx";
import { ENCRYPTION, clusterName, controlPlaneNode } from "../clusters/names.ts";
import { toMs } from "../clusters/duration.ts";
import { SECRETS_FILE, stateDir } from "../harness/cluster/state/state.ts";
import { encryptionHostDir } from "../harness/cluster/state/local-state.ts";
import { tcpConnect } from "../harness/core/tcp-connect.ts";
import { E2E_AUDIT_OUT, auditExitProblem, auditStepPlan, etcdEndpointOf, etcdUnreachable, newRunDir, verifyExitProblem } from "../harness/audit/e2e-step.ts";
import { redactor } from "../harness/evidence/redact.ts";
import { loadProfile } from "../harness/profile.ts";
import { usePinnedTools } from "../harness/tools/paths.ts";

/** Run directories (with a run.json) under the audit's output root. */
async function runDirs(root: string): Promise<string[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const has = await Promise.all(names.map((n) => stat(join(root, n, "run.json")).then(() => true, () => false)));
  return names.filter((_, i) => has[i]);
}

async function main(suitesDir: string | undefined): Promise<number> {
  if (!suitesDir) throw new Error("usage: node --import tsx bin/e2e-audit.ts SUITES_RUN_DIR");
  usePinnedTools();
  const profile = loadProfile();
  // the mutated stack's own cluster under SECRETPROOF_MUTATION, as `secretproof target` names it
  const cluster = clusterName();
  const state = stateDir(cluster);
  const commandMs = toMs(profile.waits.command);
  const plan = auditStepPlan(profile, { suitesDir, workDir: await mkdtemp(join(process.env.RUNNER_TEMP ?? tmpdir(), "secretproof-audit-")) });
  const node = process.execPath;
  const target = await $({ stdio: ["ignore", "pipe", "inherit"], timeout: 2 * commandMs })`${node} ${plan.target}`;
  await writeFile(plan.targetFile, target.stdout);
  process.stdout.write(`audit target (${plan.targetFile}):\n${target.stdout}`);
  const etcd = etcdEndpointOf(target.stdout, plan.targetFile);
  await tcpConnect(etcd.host, etcd.port, plan.connectMs).catch((err: unknown) => {
    throw new Error(etcdUnreachable(etcd.endpoint, controlPlaneNode(cluster), err, plan), { cause: err });
  });
  const before = await runDirs(E2E_AUDIT_OUT);
  const audit = await $({ stdio: ["ignore", "inherit", "inherit"], nothrow: true, timeout: plan.deadlineMs })`${node} ${plan.audit}`;
  const problem = auditExitProblem(audit.exitCode, audit.signal, plan);
  if (problem) throw new Error(problem);
  const auditDir = newRunDir(before, await runDirs(E2E_AUDIT_OUT), E2E_AUDIT_OUT);
  const keyFile = join(encryptionHostDir(state), ENCRYPTION.fileName);
  const verifyArgs = plan.verify(auditDir, { secretsFile: join(state, SECRETS_FILE), ...(existsSync(keyFile) ? { encryptionKeyFile: keyFile } : {}) });
  const verify = await $({ stdio: ["ignore", "inherit", "inherit"], nothrow: true, timeout: commandMs })`${node} ${verifyArgs}`;
  const unverified = verifyExitProblem(verify.exitCode, verify.signal, verifyArgs, `${profile.waits.command} (waits.command)`);
  if (unverified) throw new Error(unverified);
  const compare = await $({ stdio: ["ignore", "inherit", "inherit"], nothrow: true, timeout: commandMs })`${node} ${plan.compare(auditDir)}`;
  return compare.exitCode ?? 2;
}

try {
  process.exitCode = await main(process.argv[2]);
} catch (err) {
  process.stderr.write(`e2e audit: ${redactor.redact(err instanceof Error ? err.message : String(err))}\n`);
  process.exitCode = 2;
}
