import { APP_SELECTOR, CILIUM, NS } from "../../../../clusters/names.ts";
import type { ProbeResult } from "../../../core/wait.ts";
import { PermanentError } from "../../../core/errors.ts";
import type { KubeClient } from "../../../kube/client.ts";
import type { Kubectl } from "../../../kube/kubectl.ts";
import { decideEgressEnforcing, runningPods } from "../judges/egress-enforcing.ts";

/** The agent's debug CLI (installed as /usr/bin/cilium-dbg in the agent image: cilium-dbg/Makefile install-binary). */
export const ENDPOINT_LIST: readonly string[] = ["cilium-dbg", "endpoint", "list", "-o", "json"];

const ANY_EXIT = Array.from({ length: 256 }, (_, i) => i);
const selector = Object.entries(APP_SELECTOR).map(([k, v]) => `${k}=${v}`).join(",");

/** One look at the app's running pods and the agent's endpoints; a refusal (no CLI, another format, audit mode) is permanent. */
export async function probeEgressEnforcing(kube: KubeClient, k: Kubectl, timeoutMs: number): Promise<ProbeResult<string>> {
  const pods = runningPods((await kube.core.listNamespacedPod({ namespace: NS.app, labelSelector: selector })).items);
  const r = await k.exec(CILIUM.namespace, `ds/${CILIUM.daemonSet}`, ENDPOINT_LIST, { container: CILIUM.container, okExitCodes: ANY_EXIT, timeoutMs });
  const where = `in ${CILIUM.namespace}/ds/${CILIUM.daemonSet} -c ${CILIUM.container}`;
  const d = decideEgressEnforcing({ command: ENDPOINT_LIST, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr }, { namespace: NS.app, labels: APP_SELECTOR, pods });
  if (d.kind === "refused") throw new PermanentError(`Cilium's egress enforcement on the app cannot be confirmed ${where}: ${d.detail}`);
  return d.kind === "enforcing" ? { done: true, value: d.detail } : { done: false, state: d.detail };
}
