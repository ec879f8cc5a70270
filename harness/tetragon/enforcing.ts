import { PermanentError } from "../core/errors.ts";
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

/**
 * The agent's states for a policy it gave up on (cilium/tetragon v1.7.0
 * api/v1/tetragon/sensors.proto:42-45): TP_STATE_LOAD_ERROR when building or
 * loading its sensors failed, TP_STATE_ERROR when it failed later. The
 * policy stays listed in that state with its `error` (pkg/sensors/handler.go:97-124,
 * 165-170, 381-383). The agent tries again only when the object changes
 * (a new resourceVersion: pkg/watcher/crdwatcher/tracingpolicy.go:96-110,
 * 139-144; handler.go:74-78 lets the new one replace the failed one), so
 * waiting cannot help.
 */
export const POLICY_FAILED_STATES: readonly string[] = ["TP_STATE_LOAD_ERROR", "TP_STATE_ERROR"];

/** Why the agent will never enforce the policy, from its status; undefined while it may still. */
export function policyFailure(status: PolicyStatus | undefined, policy: TracingPolicyDoc): string | undefined {
  if (!status?.state || !POLICY_FAILED_STATES.includes(status.state)) return undefined;
  return (
    `the Tetragon agent reports TracingPolicyNamespaced ${policy.metadata.namespace}/${policy.metadata.name} in state ${status.state} ` +
    `(\`tetra tracingpolicy list -o json\` in the agent), error: ${status.error ?? "(none given)"}; ` +
    "it does not retry a policy that failed to load: fix the policy or the agent and apply it again"
  );
}

/**
 * Where a proof looks: the file an unauthorized canary reads and the Tetragon
 * agent asked for the policy's state (`tetra tracingpolicy list` in it).
 */
export interface EnforcingProbe {
  canaryPath: string;
  /** The canary's file is a secret: its bytes are counted, and a failure carries their size, never the text. */
  secretCanary?: boolean;
  agent: { namespace: string; target: string; container: string };
}

/** The suites' probe: the user-name file (not the password) and the DaemonSet's agent in kube-system. */
export const SUITE_PROBE: EnforcingProbe = { canaryPath: "/mnt/secrets/db-username", agent: { namespace: "kube-system", target: "ds/tetragon", container: "tetragon" } };

type ExecKube = Pick<Kubectl, "exec">;

/** The pod and container a canary reads in. */
export type CanaryPod = Pick<PodIdentity, "namespace" | "name" | "container">;

const agentPolicies = (kube: ExecKube, probe: EnforcingProbe) => tetraPolicies(kube, probe.agent.namespace, probe.agent.target, probe.agent.container);

/** Reads the probe's file as an unauthorized process would. */
async function canary(kube: ExecKube, pod: CanaryPod, timeoutMs: number, probe: EnforcingProbe): Promise<CanaryRead> {
  const startMs = Date.now();
  const r = await kube.exec(pod.namespace, pod.name, ["cat", probe.canaryPath], {
    container: pod.container,
    okExitCodes: [137],
    timeoutMs,
    ...(probe.secretCanary ? { secretStdout: true } : {}),
  });
  // A 137 counts only when the container reported it, not when kubectl itself was killed here.
  if (execExit(r.exitCode, r.stderr).origin === "kubectl") throw new Error(kubectlFailure(r.command, r.exitCode, r.stderr));
  return { startMs, endMs: Date.now(), exitCode: r.exitCode, stdoutBytes: Buffer.byteLength(r.stdout) };
}

/**
 * Waits until the policy is enforcing, proven by a kill: an unauthorized
 * canary read exits 137. The agent's own view (state enabled, mode enforce)
 * must agree. Never a sleep: until both hold, the wait keeps observing;
 * a state the agent never leaves by itself fails at once (policyFailure).
 */
export async function waitEnforcing(
  kube: ExecKube,
  pod: CanaryPod,
  policy: TracingPolicyDoc,
  wait: { timeoutMs: number; intervalMs: number; signal?: AbortSignal },
  commandTimeoutMs: number,
  probe: EnforcingProbe = SUITE_PROBE,
): Promise<EnforcingProof> {
  const canaries: CanaryRead[] = [];
  return waitFor(
    `TracingPolicyNamespaced ${policy.metadata.namespace}/${policy.metadata.name} to kill an unauthorized reader`,
    async () => {
      const status = findStatus(await agentPolicies(kube, probe), policy);
      const failed = policyFailure(status, policy);
      if (failed) throw new PermanentError(failed);
      const c = await canary(kube, pod, commandTimeoutMs, probe);
      canaries.push(c);
      const enforcing = status?.state === "TP_STATE_ENABLED" && status.mode === "TP_MODE_ENFORCE";
      if (c.exitCode === 137 && enforcing && status) return { done: true, value: { canaries, status, provenAtMs: c.endMs } };
      return { done: false, state: { canaryExit: c.exitCode, status: status ?? "not listed by tetra" } };
    },
    wait,
  );
}

/** Proof the policy no longer enforces once removed: the agent stopped listing it, then an unauthorized read succeeded. */
export interface RemovalProof {
  /** When the agent was first seen not listing the policy (this machine's clock). */
  unlistedAtMs: number;
  /** Every canary read after that, until the first that read the file. */
  canaries: CanaryRead[];
  provenAtMs: number;
}

/**
 * Whether a canary read after the policy was unlisted proves it unloaded,
 * or what it shows instead. The agent's list is no proof on its own: on
 * delete, Tetragon removes the policy's collection from the map the lister
 * reads, unlocks it, and only then detaches the BPF programs
 * (cilium/tetragon v1.7.0 pkg/sensors/handler.go:129-150: delete at :137,
 * col.destroy(true) at :142), so for that moment a reader is still killed.
 */
export function removalCanaryState(c: CanaryRead): { done: true } | { done: false; state: string } {
  if (c.exitCode === 0 && c.stdoutBytes > 0) return { done: true };
  if (c.exitCode === 137) return { done: false, state: "the policy is unlisted, but a canary read was still killed (exit 137): the agent has not detached its programs yet" };
  return { done: false, state: `a canary read exited ${c.exitCode} with ${c.stdoutBytes} bytes of stdout, not a successful read` };
}

/**
 * Waits until the deleted policy no longer enforces: first the agent stops
 * listing it, then an unauthorized canary read exits 0 with the file's
 * bytes (removalCanaryState), the mirror of waitEnforcing. A read judged
 * after this is not racing the programs' detachment.
 */
export async function waitRemoved(
  kube: ExecKube,
  pod: CanaryPod,
  policy: TracingPolicyDoc,
  wait: { timeoutMs: number; intervalMs: number; signal?: AbortSignal },
  commandTimeoutMs: number,
  probe: EnforcingProbe = SUITE_PROBE,
): Promise<RemovalProof> {
  const canaries: CanaryRead[] = [];
  let unlistedAtMs: number | undefined;
  return waitFor(
    `TracingPolicyNamespaced ${policy.metadata.namespace}/${policy.metadata.name} to be unloaded: unlisted by the agent, then an unauthorized read succeeding`,
    async () => {
      if (unlistedAtMs === undefined) {
        const status = findStatus(await agentPolicies(kube, probe), policy);
        if (status) return { done: false, state: { listed: status } };
        unlistedAtMs = Date.now();
      }
      const c = await canary(kube, pod, commandTimeoutMs, probe);
      canaries.push(c);
      const s = removalCanaryState(c);
      return s.done ? { done: true, value: { unlistedAtMs, canaries, provenAtMs: c.endMs } } : s;
    },
    wait,
  );
}
