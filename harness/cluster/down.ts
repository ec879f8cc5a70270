import { toMs } from "../core/duration.ts";
import { StepLog } from "../core/log.ts";
import type { ArtifactWriter } from "../evidence/recorder.ts";
import { attachCluster, clusterExists } from "../kind/kind.ts";
import { clusterLogsWriter, exportLogsRedacted } from "../kind/logs.ts";
import type { Profile } from "../profile.ts";
import { removeState } from "./local-state.ts";
import { clusterName as defaultClusterName } from "./names.ts";
import { stateDir } from "./state.ts";

export interface DownOptions {
  profile: Profile;
  clusterName?: string;
  log?: StepLog;
  /** Export the cluster's logs (redacted) beside this run directory (<run>.cluster-logs/) before deleting it. */
  exportLogsFor?: ArtifactWriter;
}

/** Deletes the kind cluster (logs exported first when asked) and the cluster's local state, secrets included. */
export async function down(o: DownOptions): Promise<{ deleted: boolean; stateDir: string }> {
  const name = o.clusterName ?? defaultClusterName();
  const log = o.log ?? new StepLog();
  const kind = { name, commandMs: toMs(o.profile.waits.clusterCreate) };
  const exists = await log.step("find-cluster", () => clusterExists(kind));
  if (exists) {
    const cluster = attachCluster(kind);
    const run = o.exportLogsFor;
    if (run) await log.step("export-logs", () => exportLogsRedacted(cluster, clusterLogsWriter(run.dir), "teardown"));
    await log.step("delete-cluster", () => cluster.delete());
  } else {
    log.info(`no kind cluster named ${name}`);
  }
  const dir = stateDir(name);
  await log.step("remove-state", () => removeState(dir));
  return { deleted: exists, stateDir: dir };
}
