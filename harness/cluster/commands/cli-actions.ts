/**
 * The cluster commands' implementations, loaded only when one of them runs:
 * they pull in the Kubernetes client, which every other command can do without.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { StepLog } from "../../core/log.ts";
import { loadProfile } from "../../profile.ts";
import { ArtifactWriter } from "../../evidence/recorder.ts";
import { down, exportClusterLogs } from "../run/down.ts";
import { REPO_ROOT } from "../render/external.ts";
import { describeSteps, renderStack } from "./render-command.ts";
import { createRun } from "../run/run-dir.ts";
import { up } from "../up/up.ts";
import { useMutation } from "../../mutations/cli.ts";
import { testExitCode } from "./mutation-exit.ts";

export async function renderTo(out: string, opts: { mutation?: string } = {}): Promise<void> {
  useMutation(opts.mutation);
  const files = await renderStack(out, loadProfile());
  process.stdout.write(`${describeSteps()}\nwrote ${files.length} files to ${out}:\n${files.map((f) => `  ${f}`).join("\n")}\n`);
}

export async function upCommand(opts: { dryRun?: boolean; out?: string; mutation?: string }): Promise<void> {
  useMutation(opts.mutation);
  if (opts.dryRun) return renderTo(resolve(opts.out ?? (await mkdtemp(join(tmpdir(), "secretproof-render-")))));
  const profile = loadProfile();
  const rec = await createRun(profile, { command: "up" });
  const log = new StepLog();
  try {
    const r = await up({ profile, log, evidence: rec });
    r.timings.forEach((t) => rec.step(t));
    await rec.finalize("passed");
    process.stdout.write(
      `cluster ${r.clusterName} ${r.created ? "created" : "reused"} (context ${r.kubeContext}); app answers as ${r.appIdentity}\nrun: ${rec.dir}\n`,
    );
  } catch (err) {
    log.timings.forEach((t) => rec.step(t));
    await rec.finalize("failed");
    throw new Error(`${(err as Error).message}\nrun: ${rec.dir}`, { cause: err });
  }
}

export async function downCommand(opts: { exportLogs?: boolean }): Promise<void> {
  const profile = loadProfile();
  const rec = opts.exportLogs ? await createRun(profile, { command: "down" }) : undefined;
  const r = await down({ profile, ...(rec ? { exportLogsFor: rec } : {}) });
  if (rec) await rec.finalize(r.logExportError ? "failed" : "passed");
  const logs = !rec ? "" : r.logExportError ? `; logs NOT exported: ${r.logExportError}` : `; logs in ${rec.dir}.cluster-logs`;
  process.stdout.write(`${r.deleted ? "deleted the cluster" : "no cluster to delete"}; removed ${r.stateDir}${logs}\n`);
  if (r.logExportError) process.exitCode = 1;
}

export async function logsCommand(out: string): Promise<void> {
  const files = await exportClusterLogs({ profile: loadProfile(), out: new ArtifactWriter(resolve(out)), rel: "kind" });
  process.stdout.write(`wrote ${files.length} redacted log files to ${resolve(out)}/kind\n`);
}

export async function testCommand(opts: { mutation?: string } = {}): Promise<void> {
  useMutation(opts.mutation);
  const before = new Date().toISOString();
  // exactly `npm test`, so the JUnit file lands where CI and the README expect it
  const r = await execa("npm", ["test"], { cwd: REPO_ROOT, stdio: "inherit", reject: false });
  // under a mutation the declared failures fail their tests: the run's outcome in run.json decides
  process.exitCode = opts.mutation ? await testExitCode(before) : (r.exitCode ?? 1);
}

