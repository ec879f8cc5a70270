import { toMs } from "../../clusters/duration.ts";
import { findWorkloadPods, podState } from "../attack/app-pod.ts";
import type { AppWhere } from "../attack/where.ts";
import type { ObservedPod, PhaseWindow } from "../claims/enforcement/judge.ts";
import type { ReplicaState } from "../claims/enforcement/replicas.ts";
import { WaitTimeoutError, waitFor } from "../core/wait.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import type { Profile } from "../profile.ts";
import type { EnforcementSession } from "./enforcement-types.ts";

/** Why T2's serving half is not shown when the target names no Service. */
export const UNPROBED = "the target names no workload.service to probe the app through";

/** Why T2's PID 1 and DB-identity parts are not shown when the app's answers carry neither. */
export const UNCONTRACTED = "the app's answers carry no pid/db_user (the demo app's contract)";

/** The answers carry neither pid nor db_user (an app that is not the demo app); undefined before any answer. Pure. */
export function uncontracted(probes: readonly { pid?: number; dbUser?: string }[]): boolean | undefined {
  if (!probes.length) return undefined;
  return probes.every((p) => p.pid === undefined && !p.dbUser);
}

/** Every live pod of the workload: name, uid and the audited container's restartCount. */
export async function replicaStates(kube: Pick<Kubectl, "json">, app: AppWhere): Promise<ReplicaState[]> {
  const { live } = await findWorkloadPods(kube, app);
  return live.map((p) => ({ name: p.metadata.name, uid: p.metadata.uid, restartCount: p.status.containerStatuses?.find((x) => x.name === app.container)?.restartCount ?? 0 }));
}

/**
 * The app under the policy, as the suite's T2 observes it: with a Service,
 * up to dynamic.rotationWindow for a second DB identity in the answers since
 * the policy was proven (the wait is not the judgement: the judge decides
 * whatever it saw); without one, the phase is marked unprobed. Then the
 * attacked pod and every workload pod are looked at again, and the phase's
 * observed window ends.
 */
export async function observeApp(
  c: { io: { kube: Pick<Kubectl, "json"> }; profile: Profile },
  s: Pick<EnforcementSession, "probed" | "forward" | "traffic" | "pod">,
  app: AppWhere,
  phase: PhaseWindow,
  signal?: AbortSignal,
): Promise<ObservedPod> {
  if (s.probed) {
    await waitFor(
      "a second DB identity while the policy enforces",
      () => {
        s.forward.assertAlive();
        const answers = s.traffic.probes().filter((p) => p.ms >= phase.enforcingFromMs);
        // An app without the demo app's answer contract never shows a DB identity: no rotation to wait for.
        if (uncontracted(answers)) return { done: true, value: 0 };
        const users = new Set(answers.map((p) => p.dbUser).filter(Boolean));
        return users.size >= 2 ? { done: true, value: users.size } : { done: false, state: [...users] };
      },
      { timeoutMs: toMs(c.profile.dynamic.rotationWindow), intervalMs: toMs(c.profile.waits.eventPoll), signal },
    ).catch((err: unknown) => {
      if (!(err instanceof WaitTimeoutError)) throw err;
    });
    s.forward.assertAlive();
    if (uncontracted(s.traffic.probes().filter((p) => p.ms >= phase.enforcingFromMs))) phase.answersUncontracted = UNCONTRACTED;
  } else phase.unprobed = UNPROBED;
  phase.attacksEndMs = Date.now();
  const at = new Date().toISOString();
  const podAfter = { ...(await podState(c.io.kube, s.pod.name, app)), at };
  if (phase.replicas) phase.replicas.after = await replicaStates(c.io.kube, app);
  return podAfter;
}
