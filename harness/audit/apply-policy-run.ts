import type { AfterRemoval } from "./after-removal.ts";
import { posix } from "node:path";
import { toMs } from "../../clusters/duration.ts";
import { TETRAGON } from "../../clusters/names.ts";
import { PermanentError } from "../core/errors.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import type { Profile } from "../profile.ts";
import { type CanaryPod, type EnforcingProbe, waitEnforcing, waitRemoved } from "../tetragon/enforcing.ts";
import { type AuditMode, accessPlan, type ClaimAccess } from "./access-plan.ts";
import { passwordFileOf } from "./attack-catalogue.ts";
import { placementOf, type PodJson, type WorkloadPlacement } from "./agents.ts";
import type { AuditHandles } from "./audit-kube.ts";
import { nameTakenProblem, type PolicyFile, type PreparedPolicy, preparePolicy } from "./policy-file.ts";
import { readyAgentOn } from "./policy-guards.ts";
import { checkBeforeApply, checkCanaryPodAfter } from "./policy-precheck.ts";
import { type AppliedPolicyContext, type PolicyLifecycle, withAppliedPolicy } from "./policy-lifecycle.ts";
import type { PolicyRecord } from "./policy-record.ts";
import { type AccessAnswer, judgePreflight } from "./preflight-judge.ts";
import { type AuditTarget, isPresent } from "./target.ts";
import { selectorOf } from "./workload.ts";

export { NEEDS_ATTACK } from "./policy-flags.ts";

export const APPLY_POLICY_MODE: AuditMode = { attack: true, applyPolicy: true };

/** T1's access in --attack --apply-policy mode, every permission required: a policy this run could create but not delete, or not prove, is never applied. Pure. */
export function applyPolicyAccess(t: AuditTarget): ClaimAccess {
  const t1 = accessPlan(t, APPLY_POLICY_MODE).find((c) => c.claim === "T1")!;
  return { ...t1, permissions: t1.permissions.map(({ permission, why }) => ({ permission, why })), limits: [] };
}

/** Why the identity cannot apply, prove and remove the policy, from the access reviews; empty when it can. Pure. */
export function applyPolicyAccessProblems(t: AuditTarget, answers: readonly AccessAnswer[]): string[] {
  const [r] = judgePreflight([applyPolicyAccess(t)], answers, []);
  return r!.reasons;
}

/** The workload pod the canary reads in: the first, by name, whose audited container is ready. Pure. */
export function canaryPod(t: AuditTarget, pods: { items?: PodJson[] }): { pod: CanaryPod; node: string; json: PodJson } {
  const { namespace, container } = t.workload;
  const ready = (pods.items ?? [])
    .filter((p) => p.spec?.nodeName && p.status?.containerStatuses?.some((c) => c.name === container && c.ready))
    .sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
  const p = ready[0];
  if (!p) throw new PermanentError(`no pod of ${t.workload.kind} ${namespace}/${t.workload.name} has container ${container} ready, so nothing can prove the policy kills; nothing was applied`);
  const name = p.metadata?.name ?? "?";
  return { pod: { namespace, name, container }, node: p.spec!.nodeName!, json: p };
}

/** Where the proofs look: a secret file under the mount (its bytes counted, never kept), and the Tetragon agent on the canary pod's node. Pure. */
export function auditProbe(t: AuditTarget, agents: { items?: PodJson[] }, node: string): EnforcingProbe {
  if (!isPresent(t.tetragon)) throw new PermanentError("target.tetragon is absent, so no agent can enforce the policy; nothing was applied");
  let agent: string;
  try {
    agent = readyAgentOn(agents.items ?? [], node, TETRAGON.container, `${t.tetragon.selector} in ${t.tetragon.namespace}`);
  } catch (err) {
    throw new PermanentError((err as Error).message, { cause: err });
  }
  // The chart names the agent's container "tetragon" (cilium/tetragon v1.7.0 install/kubernetes/tetragon/templates/_helpers.tpl:87-89); tetra is in its image.
  // Like the suites' db-username, the canary reads a file that is not the password when the target has one.
  const password = passwordFileOf(t);
  const file = t.secrets.files.find((f) => f !== password) ?? t.secrets.files[0]!;
  return { canaryPath: posix.join(t.secrets.mountPath, file), secretCanary: true, agent: { namespace: t.tetragon.namespace, target: agent, container: TETRAGON.container } };
}

/** What the apply path reads first (get/list only): the workload's pods and the Tetragon pods. */
async function readWorkload(read: Pick<Kubectl, "json">, t: AuditTarget): Promise<{ pods: { items?: PodJson[] }; agents: { items?: PodJson[] } }> {
  const { namespace, kind, name } = t.workload;
  const obj = await read.json<Parameters<typeof selectorOf>[0]>(["-n", namespace, "get", kind === "Deployment" ? "deployment" : "statefulset", name]);
  const pods = await read.json<{ items?: PodJson[] }>(["-n", namespace, "get", "pods", "-l", selectorOf(obj, `${kind} ${namespace}/${name}`)]);
  const agents = isPresent(t.tetragon) ? await read.json<{ items?: PodJson[] }>(["-n", t.tetragon.namespace, "get", "pods", "-l", t.tetragon.selector]) : {};
  return { pods, agents };
}

export interface ApplyPolicyRun {
  target: AuditTarget;
  profile: Profile;
  runId: string;
  file: PolicyFile;
  handles: Required<AuditHandles>;
  /** The identity's access reviews for applyPolicyAccess (SelfSubjectAccessReview). */
  reviewAccess(plan: readonly ClaimAccess[]): Promise<AccessAnswer[]>;
  write: PolicyLifecycle["write"];
  warn: PolicyLifecycle["warn"];
  onRecord?: PolicyLifecycle["onRecord"];
  signals?: PolicyLifecycle["signals"];
  exit?: PolicyLifecycle["exit"];
}

/** Everything that decides whether the policy may be applied, read and checked before anything is sent. */
export async function preparePolicyRun(o: ApplyPolicyRun): Promise<{ prepared: PreparedPolicy; pod: CanaryPod; podJson: PodJson; node: string; probe: EnforcingProbe; workload: WorkloadPlacement[] }> {
  const problems = applyPolicyAccessProblems(o.target, await o.reviewAccess([applyPolicyAccess(o.target)]));
  if (problems.length) throw new PermanentError(`--apply-policy is refused, nothing was applied: the identity lacks what applying, proving and removing the policy takes:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  const { pods, agents } = await readWorkload(o.handles.read, o.target);
  const workload = placementOf(pods);
  const prepared = preparePolicy(o.file, o.target, { pods: workload }, o.runId);
  const taken = nameTakenProblem(prepared, await o.handles.policy.names());
  if (taken) throw new PermanentError(taken);
  const { pod, node, json } = canaryPod(o.target, pods);
  const probe = auditProbe(o.target, agents, node);
  // The agent answers and does not list the name yet, and an unauthorized read succeeds now: a kill later is the policy's.
  await checkBeforeApply(o.handles.exec, pod, prepared.doc, probe, toMs(o.profile.waits.command));
  return { prepared, pod, podJson: json, node, probe, workload };
}

/**
 * `--attack --apply-policy FILE`: checks the access, the file and the name
 * (refusing before anything is applied), then applies the policy, proves it
 * enforces on the canary pod (and that the pod survived it), runs `attacks` and always removes it, proving
 * the unload. Every wait's deadline is the profile's waits.policyEnforcing,
 * polled every waits.poll, each command within waits.command.
 */
export async function runWithAppliedPolicy<T>(o: ApplyPolicyRun, attacks: (ctx: AppliedPolicyContext & { pod: CanaryPod; node: string }) => Promise<T | AfterRemoval<T>>): Promise<{ value: T; record: PolicyRecord }> {
  const { prepared, pod, podJson, node, probe } = await preparePolicyRun(o);
  const w = o.profile.waits;
  const wait = (signal: AbortSignal) => ({ timeoutMs: toMs(w.policyEnforcing), intervalMs: toMs(w.poll), signal });
  const exec = o.handles.exec;
  const lifecycle: PolicyLifecycle = {
    kube: o.handles.policy,
    // Proven enforcing only while the app survived it: its container neither restarted nor became unready.
    proveEnforcing: async (doc, signal) => {
      const proof = await waitEnforcing(exec, pod, doc, wait(signal), toMs(w.command), probe);
      await checkCanaryPodAfter(o.handles.read, pod, podJson);
      return proof;
    },
    proveRemoved: (doc, signal) => waitRemoved(exec, pod, doc, wait(signal), toMs(w.command), probe),
    write: o.write,
    warn: o.warn,
    commandTimeoutMs: toMs(w.command),
    signalGraceMs: toMs(w.poll),
    ...(o.onRecord ? { onRecord: o.onRecord } : {}),
    ...(o.signals ? { signals: o.signals } : {}),
    ...(o.exit ? { exit: o.exit } : {}),
  };
  return withAppliedPolicy<T>(lifecycle, prepared, (ctx) => attacks({ ...ctx, pod, node }));
}
