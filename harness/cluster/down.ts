import { toMs } from "../core/duration.ts";
import { StepLog } from "../core/log.ts";
import type { ArtifactWriter } from "../evidence/recorder.ts";
import { attachCluster, clusterExists } from "../kind/kind.ts";
import { clusterLogsWriter, exportLogsRedacted } from "../kind/logs.ts";
import { PermanentError } from "../core/errors.ts";
import type { Profile } from "../profile.ts";
import { removeState } from "./local-state.ts";
import { clusterName as defaultClusterName } from "./names.ts";
import { loadSecrets, registerSecrets, stateDir } from "./state.ts";

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

/** Deletes the kind cluster (logs exported first when asked) and the cluster's local state, secrets included. */
export async function down(o: DownOptions): Promise<{ deleted: boolean; stateDir: string }> {
  const name = o.clusterName ?? defaultClusterName();
  const log = o.log ?? new StepLog();
  const kind = { name, commandMs: toMs(o.profile.waits.clusterCreate) };
  const exists = await log.step("find-cluster", () => clusterExists(kind));
  if (exists) {
    const run = o.exportLogsFor;
    if (run) {
      await log.step("export-logs", () => exportClusterLogs({ profile: o.profile, clusterName: name, out: clusterLogsWriter(run.dir), rel: "teardown" }));
    }
    await log.step("delete-cluster", () => attachCluster(kind).delete());
  } else {
    log.info(`no kind cluster named ${name}`);
  }
  const dir = stateDir(name);
  await log.step("remove-state", () => removeState(dir));
  return { deleted: exists, stateDir: dir };
}
