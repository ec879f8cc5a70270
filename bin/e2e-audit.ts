/**
 * The e2e workflow's audit step: after the suites, `secretproof audit` runs
 * read-only against the same kind cluster with `secretproof target
 * --etcd-certs`'s file, and `secretproof audit compare` holds its decided
 * verdicts to the suites'. Usage: node --import tsx bin/e2e-audit.ts SUITES_RUN_DIR.
 * Exits with compare's code (0 agree, 1 mismatch, 2 nothing decided), or 2
 * when a step before it fails. The plan is harness/audit/e2e-step.ts.
 */
import { mkdtemp, readdir, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { $ } from "zx";
import { NS, VAULT, clusterName, kindContext } from "../clusters/names.ts";
import { toMs } from "../clusters/duration.ts";
import { loadSecrets, stateDir } from "../harness/cluster/state/state.ts";
import { E2E_AUDIT_OUT, auditExitProblem, auditStepPlan, newRunDir } from "../harness/audit/e2e-step.ts";
import { KIND_VAULT_LOCAL_PORT } from "../harness/audit/target-kind.ts";
import { redactor } from "../harness/evidence/redact.ts";
import { startPortForward } from "../harness/kube/port-forward.ts";
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
  const cluster = clusterName();
  const commandMs = toMs(profile.waits.command);
  const plan = auditStepPlan(profile, { suitesDir, workDir: await mkdtemp(join(process.env.RUNNER_TEMP ?? tmpdir(), "secretproof-audit-")) });
  // The token from the stack's state: masked in the job's log before any command could print it, never echoed.
  const token = (await loadSecrets(stateDir(cluster))).vaultRootToken;
  redactor.register(token, "Vault root token");
  if (process.env.GITHUB_ACTIONS === "true") process.stdout.write(`::add-mask::${token}\n`);
  const node = process.execPath;
  const target = await $({ stdio: ["ignore", "pipe", "inherit"], timeout: 2 * commandMs })`${node} ${plan.target}`;
  await writeFile(plan.targetFile, target.stdout);
  process.stdout.write(`audit target (${plan.targetFile}):\n${target.stdout}`);
  const pf = await startPortForward({ context: kindContext(cluster), namespace: NS.vault, target: `svc/${VAULT.service}`, remotePort: VAULT.port, localPort: KIND_VAULT_LOCAL_PORT, timeoutMs: commandMs });
  const before = await runDirs(E2E_AUDIT_OUT);
  let audit;
  try {
    audit = await $({ stdio: ["ignore", "inherit", "inherit"], nothrow: true, timeout: plan.deadlineMs, env: { ...process.env, VAULT_TOKEN: token } })`${node} ${plan.audit}`;
  } finally {
    await pf.stop();
  }
  const problem = auditExitProblem(audit.exitCode, audit.signal, plan);
  if (problem) throw new Error(problem);
  const auditDir = newRunDir(before, await runDirs(E2E_AUDIT_OUT), E2E_AUDIT_OUT);
  const compare = await $({ stdio: ["ignore", "inherit", "inherit"], nothrow: true, timeout: commandMs })`${node} ${plan.compare(auditDir)}`;
  return compare.exitCode ?? 2;
}

try {
  process.exitCode = await main(process.argv[2]);
} catch (err) {
  process.stderr.write(`e2e audit: ${redactor.redact(err instanceof Error ? err.message : String(err))}\n`);
  process.exitCode = 2;
}
