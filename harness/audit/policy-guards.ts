import { readyPodOn } from "../attack/agent-stream.ts";
import type { PodJson } from "./agents.ts";
import type { PolicySummary } from "./policy-record.ts";

/**
 * Whether a second interrupt means "stop now, without waiting for the removal".
 * `npx secretproof` runs under npm, which forwards SIGINT/SIGTERM to the child
 * it spawned with inherited stdio (npm/run-script@41c1cf5 lib/signal-manager.js:3-12,
 * forwardedSignals and handleSignal; lib/run-script-pkg.js
 * `if (stdio === 'inherit') signalManager.add(p.process)`), while the terminal
 * sends the same Ctrl-C to the whole foreground process group, so one Ctrl-C
 * can arrive twice a few milliseconds apart. A second signal counts only once the delete was sent
 * (the "press Ctrl-C again" warning printed) and more than `graceMs`
 * (profile waits.poll) after the first. Pure.
 */
export function secondSignalStops(s: { firstAtMs: number; deleteSentAtMs: number | undefined; nowMs: number; graceMs: number }): boolean {
  return s.deleteSentAtMs !== undefined && s.nowMs >= s.deleteSentAtMs && s.nowMs - s.firstAtMs > s.graceMs;
}

/** The exit code each interrupt asks for once the run is finalized (128 + the signal's number). */
export const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** `secretproof audit`'s exit code when the --apply-policy policy may be left on the cluster, its unload is unproven, or its step failed. */
export const POLICY_EXIT = 3;

/**
 * `secretproof audit`'s exit code: 3 when the policy's removal or unload is not
 * proven (it may still be there or enforce), else the interrupt's code
 * (129/130/143), else 3 when the --apply-policy step failed, else 1 when a
 * verdict failed, else 0. Pure.
 */
export function auditExitCode(r: { failedVerdict: boolean; policy?: PolicySummary; policyError?: string }): number {
  const p = r.policy;
  const left = p !== undefined && p.deleteOutcome !== "replaced" && !(p.deleteOutcome === "not-created" && !p.manualDelete) && !p.removalProven;
  if (left) return POLICY_EXIT;
  if (p?.interrupted) return SIGNAL_EXIT[p.interrupted] ?? 130;
  if (r.policyError !== undefined) return POLICY_EXIT;
  return r.failedVerdict ? 1 : 0;
}

/** What the checks before the create saw: the agent's policy list and one unauthorized canary read (its bytes counted, never kept). */
export interface PreApplyObservation {
  what: string;
  canaryCommand: string;
  pod: string;
  agent: string;
  /** `tetra tracingpolicy list -o json`: the names it lists, or why it could not be read or parsed. */
  tetra: { names: string[] } | { error: string };
  canary: { exitCode: number; stdoutBytes: number } | { error: string };
}

/** Why the policy must not be created, from the checks before the create; undefined when it may. Pure. */
export function preApplyProblem(o: PreApplyObservation): string | undefined {
  const none = "nothing was applied";
  if ("error" in o.tetra) return `the Tetragon agent ${o.agent} is unreachable or answered no policy list (\`tetra tracingpolicy list -o json\`: ${o.tetra.error}), so nothing could prove the policy loads; ${none}`;
  const name = o.what.split("/").pop();
  if (name && o.tetra.names.includes(name)) return `the Tetragon agent ${o.agent} already lists ${o.what} before it was created, so its proofs could not tell ours apart; ${none}`;
  if ("error" in o.canary) return `the canary \`${o.canaryCommand}\` in pod ${o.pod} failed: ${o.canary.error}; ${none}`;
  const c = o.canary;
  if (c.exitCode === 137) return `a canary \`${o.canaryCommand}\` in pod ${o.pod} is already killed (137): another policy enforces, so a kill could not be told apart from ours; ${none}`;
  if (c.exitCode === 126 || c.exitCode === 127) return `the canary \`${o.canaryCommand}\` in pod ${o.pod} exited ${c.exitCode}: no cat in the image, so nothing can show the policy kills; ${none}`;
  if (c.exitCode !== 0) return `the canary \`${o.canaryCommand}\` in pod ${o.pod} exited ${c.exitCode} (${c.stdoutBytes} bytes of stdout), not a successful read, so a kill could not be told apart; ${none}`;
  if (c.stdoutBytes === 0) return `the canary \`${o.canaryCommand}\` in pod ${o.pod} exited 0 with 0 bytes: the file is empty, so a read the policy lets through could not be told from one it stops; ${none}`;
  return undefined;
}

/** The --apply-policy step refused because a policy already kills readers of the mount (attack-audit.ts killingPolicies). Pure. */
export function killingRefusal(killing: readonly string[], mountPath: string): string | undefined {
  if (!killing.length) return undefined;
  return `--apply-policy refused, nothing was applied: ${killing.join(", ")} already kills readers under ${mountPath}, so a kill could not be told apart from the applied policy's`;
}

type AgentPod = PodJson & { metadata?: { deletionTimestamp?: string } };

/**
 * The Tetragon agent pod on `node` to prove the policy with: Running, Ready
 * (all its containers ready), not being deleted (as harness/attack/agent-stream.ts
 * agentPodOn picks a stream's pod). Throws naming the pods found. Pure.
 */
export function readyAgentOn(pods: readonly AgentPod[], node: string, container: string, where: string): string {
  // The container is not checked by name: `tetra` runs in `tetragon`, which the pod's Ready condition covers.
  const found = readyPodOn(pods, node);
  if (found.name) return found.name;
  throw new Error(`no Ready Tetragon pod (${where}, container ${container}) on node ${node}, where the canary pod runs: found ${found.seen}; nothing was applied`);
}

/** An object found under the policy's name after a create that got no answer. */
export interface FoundPolicy {
  uid: string;
  labels: Record<string, string>;
}

/** Whether the object found after an unanswered create is this run's (its run-id label), and so is deleted by its uid. Pure. */
export function orphanOf(found: FoundPolicy | undefined, runLabel: { key: string; value: string }): { ours: true; uid: string } | { ours: false; why: string } {
  if (!found) return { ours: false, why: "nothing has the name yet (the create may still commit)" };
  const v = found.labels[runLabel.key];
  if (v === runLabel.value) return { ours: true, uid: found.uid };
  return { ours: false, why: `the object of that name (uid ${found.uid}) carries ${runLabel.key}=${v ?? "(none)"}, not this run's ${runLabel.value}` };
}

/** After the enforcing proof: why the policy hurt the canary pod (restarted or not Ready), or undefined. Pure. */
export function canaryPodHurt(before: PodJson, after: PodJson, container: string): string | undefined {
  const restarts = (p: PodJson) => p.status?.containerStatuses?.find((c) => c.name === container)?.restartCount ?? 0;
  const ready = after.status?.containerStatuses?.find((c) => c.name === container)?.ready === true;
  const name = after.metadata?.name ?? before.metadata?.name ?? "?";
  if (restarts(after) > restarts(before)) return `pod ${name} container ${container} restarted (restartCount ${restarts(before)} -> ${restarts(after)}) once the policy enforced`;
  if (!ready) return `pod ${name} container ${container} is not Ready once the policy enforced`;
  return undefined;
}
