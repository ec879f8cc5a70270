import { toMs } from "../../../clusters/duration.ts";
import type { StepLog } from "../../core/log.ts";
import type { ArtifactWriter, EvidenceRecorder, StepTiming } from "../../evidence/recorder.ts";
import { helm } from "../../helm/helm.ts";
import { kubectl, type Kubectl } from "../../kube/kubectl.ts";
import type { Profile } from "../../profile.ts";
import { collectDiagnostics } from "../up/diagnostics.ts";
import { upStep } from "../up/steps.ts";
import { downForRun } from "./down.ts";
import { clusterName as defaultClusterName, kindContext } from "../../../clusters/names.ts";
import { stateDir } from "../state/state.ts";

/** Steps that ended in failure, each with the first line of its error. */
export function failedSteps(timings: readonly StepTiming[]): string[] {
  return timings.filter((t) => !t.ok).map((t) => `${t.name} (${(t.error ?? "no error recorded").split("\n")[0]})`);
}

/** Of the steps still running, those with components to collect diagnostics from (their spec's `diagnose`). */
export function stepsToDiagnose(running: readonly string[]): string[] {
  return running.filter((s) => (upStep(s)?.diagnose?.length ?? 0) > 0);
}

/** Why bring-up failed when it passed its deadline: what was running (in `late`), what had failed already, where the diagnostics are. */
export function lateSetupMessage(o: { late: string; failed: readonly string[]; diagnostics: readonly string[] }): string {
  const failed = o.failed.length ? `; steps that had failed already: ${o.failed.join("; ")}` : "; no step had failed";
  const diagnostics = o.diagnostics.length ? `; diagnostics of the running steps in ${o.diagnostics.join(", ")}` : "";
  return `${o.late}${failed}${diagnostics}`;
}

/** Diagnostics (pods, events, logs, helm status) for each step given, in the run; returns the directories written. */
export async function diagnoseSteps(
  steps: readonly string[],
  o: { kubectl: Kubectl; out: ArtifactWriter; helmStatus?: (release: string, namespace: string) => Promise<string>; log: (line: string) => void },
): Promise<string[]> {
  const each = await Promise.all(
    steps.map(async (step) => {
      const d = await collectDiagnostics(upStep(step) ?? { name: step }, o.kubectl, o.out, o.helmStatus);
      d.summary.forEach((l) => o.log(`${step}: ${l}`));
      return d.files.length ? [`${o.out.dir}/diagnostics/${step}/`] : [];
    }),
  );
  return each.flat();
}

export interface SetupFailureOptions {
  profile: Profile;
  rec: EvidenceRecorder;
  log: StepLog;
  /** The setup passed its deadline (bring-up may still be running). */
  late: boolean;
  /** SECRETPROOF_TEARDOWN=1: delete the cluster rather than leave it behind. */
  teardown: boolean;
  clusterName?: string;
  /** Where the teardown's step lines go (stderr by default). */
  write?: (line: string) => void;
}

/**
 * After the e2e setup failed: when it passed its deadline, diagnostics for
 * each step still running (a step that fails by itself gets them from `up`)
 * and the steps that had failed already, in the error; then, when asked, the
 * cluster's teardown (logs exported, cluster and state deleted), so a failed
 * setup leaves no cluster behind either. Returns the error to throw.
 */
export async function afterSetupFailure(err: unknown, o: SetupFailureOptions): Promise<unknown> {
  const running = stepsToDiagnose(o.log.running());
  let out = err;
  if (o.late) {
    const dirs = await diagnoseInCluster(running, o).catch((e: unknown) => {
      o.log.info(`collecting diagnostics for ${running.join(", ")} failed: ${(e as Error).message}`);
      return [];
    });
    out = new Error(lateSetupMessage({ late: (err as Error).message, failed: failedSteps(o.log.timings), diagnostics: dirs }), { cause: err });
  }
  if (o.teardown) {
    o.log.info("SECRETPROOF_TEARDOWN=1: deleting the cluster the failed setup leaves");
    await downForRun({ profile: o.profile, rec: o.rec, clusterName: o.clusterName, write: o.write }).catch((e: unknown) =>
      o.log.info(`the teardown after the failed setup failed too: ${(e as Error).message}`),
    );
  }
  return out;
}

/** diagnoseSteps against the cluster `up` manages, each kubectl and helm call bounded by waits.command. */
async function diagnoseInCluster(steps: readonly string[], o: SetupFailureOptions): Promise<string[]> {
  if (!steps.length) return [];
  const name = o.clusterName ?? defaultClusterName();
  const commandMs = toMs(o.profile.waits.command);
  const h = helm({ context: kindContext(name), commandMs, scratchDir: stateDir(name) });
  return diagnoseSteps(steps, {
    kubectl: kubectl(kindContext(name), commandMs),
    out: o.rec,
    helmStatus: (r, ns) => h.status(r, ns),
    log: (l) => o.log.info(l),
  });
}
