import { PermanentError } from "../core/errors.ts";
import { execExit, kubectlFailure } from "../kube/exec-exit.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import type { CanaryPod, EnforcingProbe } from "../tetragon/enforcing.ts";
import { tetraPolicies, type TracingPolicyDoc } from "../tetragon/policy.ts";
import type { PodJson } from "./agents.ts";
import { canaryPodHurt, type PreApplyObservation, preApplyProblem } from "./policy-guards.ts";

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The checks before the create (exec only, nothing written): one
 * `tetra tracingpolicy list -o json` in the chosen agent, and one unauthorized
 * canary read in the canary pod, its bytes counted and never kept.
 */
export async function observeBeforeApply(kube: Pick<Kubectl, "exec">, pod: CanaryPod, doc: TracingPolicyDoc, probe: EnforcingProbe, commandTimeoutMs: number): Promise<PreApplyObservation> {
  const a = probe.agent;
  const tetra = await tetraPolicies(kube, a.namespace, a.target, a.container).then(
    (list) => ({ names: list.filter((s) => (s.namespace ?? "") === doc.metadata.namespace).map((s) => s.name) }),
    (err: unknown) => ({ error: message(err) }),
  );
  const canaryCommand = `cat ${probe.canaryPath}`;
  const canary = await kube
    .exec(pod.namespace, pod.name, ["cat", probe.canaryPath], { container: pod.container, okExitCodes: [1, 2, 126, 127, 137], timeoutMs: commandTimeoutMs, secretStdout: true })
    .then(
      (r) => (execExit(r.exitCode, r.stderr).origin === "kubectl" ? { error: kubectlFailure(r.command, r.exitCode, r.stderr) } : { exitCode: r.exitCode, stdoutBytes: Buffer.byteLength(r.stdout) }),
      (err: unknown) => ({ error: message(err) }),
    );
  return { what: `${doc.metadata.namespace}/${doc.metadata.name}`, canaryCommand, pod: pod.name, agent: `${a.namespace}/${a.target}`, tetra, canary };
}

/** Refuses the create when the checks before it found a reason; the error names it. */
export async function checkBeforeApply(...args: Parameters<typeof observeBeforeApply>): Promise<void> {
  const problem = preApplyProblem(await observeBeforeApply(...args));
  if (problem) throw new PermanentError(`--apply-policy refused: ${problem}`);
}

/** After the enforcing proof: the canary pod read again; an error naming the harm when its container restarted or is not Ready. */
export async function checkCanaryPodAfter(read: Pick<Kubectl, "json">, pod: CanaryPod, before: PodJson): Promise<void> {
  const after = await read.json<PodJson>(["-n", pod.namespace, "get", "pod", pod.name]);
  const hurt = canaryPodHurt(before, after, pod.container);
  if (hurt) throw new PermanentError(`the policy hurt the app: ${hurt}; it is removed and no attack was run`);
}
