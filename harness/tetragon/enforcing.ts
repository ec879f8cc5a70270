import { waitFor } from "../core/wait.ts";
import type { PodIdentity } from "../attack/attempt.ts";
import { execExit, kubectlFailure } from "../kube/exec-exit.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import type { PolicyLoadObservation } from "./app-survival.ts";
import { findStatus, tetraPolicies, type PolicyStatus, type TracingPolicyDoc } from "./policy.ts";

export interface CanaryRead {
  startMs: number;
  endMs: number;
  exitCode: number;
  stdoutBytes: number;
}

export interface EnforcingProof {
  /** Every canary read until the first kill; the last one exited 137. */
  canaries: CanaryRead[];
  status: PolicyStatus;
  provenAtMs: number;
  /** The app right after the proof: still answering from PID 1 in the same container (app-survival.ts). */
  appAfterLoad?: PolicyLoadObservation;
}

/** Reads the user-name file (not the password) as an unauthorized process would. */
async function canary(kube: Kubectl, pod: PodIdentity, timeoutMs: number): Promise<CanaryRead> {
  const startMs = Date.now();
  const r = await kube.exec(pod.namespace, pod.name, ["cat", "/mnt/secrets/db-username"], {
    container: pod.container,
    okExitCodes: [137],
    timeoutMs,
  });
  // A 137 counts only when the container reported it, not when kubectl itself was killed here.
  if (execExit(r.exitCode, r.stderr).origin === "kubectl") throw new Error(kubectlFailure(r.command, r.exitCode, r.stderr));
  return { startMs, endMs: Date.now(), exitCode: r.exitCode, stdoutBytes: Buffer.byteLength(r.stdout) };
}

/**
 * Waits until the policy is enforcing, proven by a kill: an unauthorized
 * canary read exits 137. The agent's own view (state enabled, mode enforce)
 * must agree. Never a sleep: until both hold, the wait keeps observing.
 */
export async function waitEnforcing(
  kube: Kubectl,
  pod: PodIdentity,
  policy: TracingPolicyDoc,
  wait: { timeoutMs: number; intervalMs: number },
  commandTimeoutMs: number,
): Promise<EnforcingProof> {
  const canaries: CanaryRead[] = [];
  return waitFor(
    `TracingPolicyNamespaced ${policy.metadata.namespace}/${policy.metadata.name} to kill an unauthorized reader`,
    async () => {
      const status = findStatus(await tetraPolicies(kube), policy);
      const c = await canary(kube, pod, commandTimeoutMs);
      canaries.push(c);
      const enforcing = status?.state === "TP_STATE_ENABLED" && status.mode === "TP_MODE_ENFORCE";
      if (c.exitCode === 137 && enforcing && status) return { done: true, value: { canaries, status, provenAtMs: c.endMs } };
      return { done: false, state: { canaryExit: c.exitCode, status: status ?? "not listed by tetra" } };
    },
    wait,
  );
}
