import type { PodSummary } from "../../../kube/pod-summary.ts";
import { POSTGRES } from "../../../../clusters/names.ts";

export type BootstrapPhase = "absent" | "awaiting-password" | "starting" | "ready";

/** Where postgres-0 is in its first start: the init container waits for the password, then Postgres starts. */
export function bootstrapPhase(pod: PodSummary | undefined): BootstrapPhase {
  if (!pod || pod.deleting) return "absent";
  if (pod.ready) return "ready";
  const init = pod.initContainers.find((c) => c.name === POSTGRES.bootstrapContainer);
  if (init?.state === "running") return "awaiting-password";
  return init?.state.startsWith("terminated:Completed") ? "starting" : "absent";
}

/**
 * After streaming the password failed: go on when the init container has
 * finished meanwhile (it let the pod through at once because the data
 * directory exists, or it got the password before the exec reported an
 * error), fail when it still waits or the pod is gone.
 */
export function afterPasswordStreamFailed(now: BootstrapPhase): "continue" | "fail" {
  return now === "starting" || now === "ready" ? "continue" : "fail";
}
