import { toMs } from "../../../clusters/duration.ts";
import { StepLog } from "../../core/log.ts";
import type { ArtifactWriter, EvidenceRecorder } from "../../evidence/recorder.ts";
import { redactor } from "../../evidence/redact.ts";
import { attachCluster, clusterExists } from "../../kind/kind.ts";
import { clusterLogsWriter, exportLogsRedacted } from "../../kind/logs.ts";
import { PermanentError } from "../../core/errors.ts";
import type { Profile } from "../../profile.ts";
import { removeState } from "../state/local-state.ts";
import { clusterName as defaultClusterName } from "../../../clusters/names.ts";
import { loadSecrets, registerSecrets, stateDir } from "../state/state.ts";

export interface DownOptions {
  profile: Profile;
  clusterName?: string;
  log?: StepLog;
  /** Export the cluster's logs (redacted) beside this run directory (<run>.cluster-logs/) before deleting it. */
  exportLogsFor?: ArtifactWriter;
}

/**
 * Exports a cluster's node logs through the redaction layer. Pod logs hold
 * live secrets (Vault's dev-mode banner prints the root token), so the
 * cluster's secrets are loaded and registered first; without them the export
 * is refused rather than written unredacted.
 */
export async function exportClusterLogs(o: { profile: Profile; clusterName?: string; out: ArtifactWriter; rel: string }): Promise<string[]> {
  const name = o.clusterName ?? defaultClusterName();
  const secrets = await loadSecrets(stateDir(name)).catch((err: unknown) => {
    throw new PermanentError(`refusing to export ${name}'s logs unredacted: ${(err as Error).message}`, { cause: err });
  });
  registerSecrets(secrets);
  return exportLogsRedacted(attachCluster({ name, commandMs: toMs(o.profile.waits.clusterCreate) }), o.out, o.rel);
}

export interface DownResult {
  deleted: boolean;
  stateDir: string;
  /** Why the logs asked for were not exported (the cluster was deleted all the same). */
  logExportError?: string;
}

/**
 * Deletes the kind cluster and the cluster's local state, secrets included.
 * Logs are exported first when asked; an export that fails is reported in
 * the result, and the cluster is deleted anyway: a teardown that stops there
 * would leave the cluster, and its secrets, behind.
 */
export async function down(o: DownOptions): Promise<DownResult> {
  const name = o.clusterName ?? defaultClusterName();
  const log = o.log ?? new StepLog();
  const kind = { name, commandMs: toMs(o.profile.waits.clusterCreate) };
  const exists = await log.step("find-cluster", () => clusterExists(kind));
  let logExportError: string | undefined;
  if (exists) {
    const run = o.exportLogsFor;
    if (run) {
      const out = clusterLogsWriter(run.dir);
      logExportError = await log
        .step("export-logs", () => exportClusterLogs({ profile: o.profile, clusterName: name, out, rel: "teardown" }))
        .then(() => undefined, (err: unknown) => (err instanceof Error ? err.message : String(err)));
    }
    await log.step("delete-cluster", () => attachCluster(kind).delete());
  } else {
    log.info(`no kind cluster named ${name}`);
  }
  const dir = stateDir(name);
  await log.step("remove-state", () => removeState(dir));
  return { deleted: exists, stateDir: dir, ...(logExportError === undefined ? {} : { logExportError }) };
}

/**
 * `down` at the end of a run: node logs exported beside the run directory,
 * the cluster deleted, and every step recorded in the run's run.json (a failed
 * export as the export-logs step, with its error). A failed export is also
 * printed on its own line, since the cluster and its logs are then gone; the
 * caller still finalizes the run, so SHA256SUMS is written either way.
 */
export async function downForRun(o: { profile: Profile; rec: EvidenceRecorder; clusterName?: string; write?: (line: string) => void }): Promise<DownResult> {
  const write = o.write ?? ((l: string) => process.stderr.write(`${l}\n`));
  const log = new StepLog({ write });
  const r = await down({ profile: o.profile, clusterName: o.clusterName, log, exportLogsFor: o.rec }).finally(() => log.timings.forEach((t) => o.rec.step(t)));
  if (r.logExportError !== undefined) {
    write(redactor.redact(`cluster logs NOT exported to ${o.rec.dir}.cluster-logs/ (recorded as step export-logs in run.json); the cluster was deleted all the same: ${r.logExportError}`));
  }
  return r;
}
