import type { ClaimId } from "../claims/verdict.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import { type AgentOnNode, agentCoverage, describeCoverage, placementOf, type PodJson, type WorkloadPlacement } from "./agents.ts";
import { type Agent, type AuditTarget, isPresent } from "./target.ts";
import { describePolicies, type PolicyFinding, policyFindings, type TracingPolicyJson } from "./tracing-policy.ts";
import { selectorOf } from "./workload.ts";

/** A source the audit could not read, and why: recorded in its place. */
export interface Unread {
  unreadable: string;
}

export type AgentPresence = { absent: true } | Unread | { nodes: AgentOnNode[]; ok: boolean; text: string };

/** What the audit found about Falco, Tetragon and the TracingPolicies, as audit/agents.json records it. */
export interface AgentsEvidence {
  at: string;
  workload: WorkloadPlacement[] | Unread;
  falco: AgentPresence;
  tetragon: AgentPresence;
  /** The policies as listed (cluster-wide and in the workload's namespace) and what each does to the workload. */
  policies: { listed: TracingPolicyJson[]; findings: PolicyFinding[]; ok: boolean; text: string } | Unread;
}

const isUnread = (v: unknown): v is Unread => typeof v === "object" && v !== null && "unreadable" in v;

/** The evidence from what kubectl listed; each source may be unreadable. Pure. */
export function agentsEvidence(
  at: string,
  t: AuditTarget,
  read: { workload: { items?: PodJson[] } | Unread; falco?: { items?: PodJson[] } | Unread; tetragon?: { items?: PodJson[] } | Unread; policies: TracingPolicyJson[] | Unread },
): AgentsEvidence {
  const workload = isUnread(read.workload) ? read.workload : placementOf(read.workload);
  const presence = (agent: Agent, name: string, pods: { items?: PodJson[] } | Unread | undefined): AgentPresence => {
    if (!isPresent(agent)) return { absent: true };
    if (pods === undefined) return { unreadable: `${name}'s pods were not listed` };
    if (isUnread(pods)) return pods;
    if (isUnread(workload)) return { unreadable: `the workload's pods could not be listed: ${workload.unreadable}` };
    const nodes = agentCoverage(workload, pods, agent.container);
    return { nodes, ...describeCoverage(name, workload, nodes) };
  };
  const policies = ((): AgentsEvidence["policies"] => {
    if (isUnread(read.policies)) return read.policies;
    if (isUnread(workload)) return { unreadable: `the workload's pods could not be listed: ${workload.unreadable}` };
    const findings = policyFindings(read.policies, { namespace: t.workload.namespace, container: t.workload.container, pods: workload }, t.secrets.mountPath);
    return { listed: read.policies, findings, ...describePolicies(findings, t.secrets.mountPath) };
  })();
  return { at, workload, falco: presence(t.falco, "Falco", read.falco), tetragon: presence(t.tetragon, "Tetragon", read.tetragon), policies };
}

function presenceText(p: AgentPresence, name: string): string {
  if ("absent" in p) return `${name} is absent (target)`;
  if ("unreadable" in p) return `${name}'s presence could not be read: ${p.unreadable}`;
  return p.text;
}

/**
 * What was found, per claim an attack proves: "Tetragon runs Ready on node X;
 * policy P selects the workload and kills …; the kill is proven only with
 * --attack". Pure.
 */
export function presenceFindings(e: AgentsEvidence): Partial<Record<ClaimId, string>> {
  const falco = presenceText(e.falco, "Falco");
  const tetragon = presenceText(e.tetragon, "Tetragon");
  const policy = "unreadable" in e.policies ? `the TracingPolicies could not be read: ${e.policies.unreadable}` : e.policies.text;
  return {
    F1: `found: ${falco}; the alert is proven only with --attack`,
    F2: `found: ${falco}; the alert is proven only with --attack`,
    T1: `found: ${tetragon}; ${policy}; the kill is proven only with --attack`,
    T3: `found: ${falco}; ${tetragon}; ${policy}; that Falco records what Tetragon kills is proven only with --attack`,
  };
}

const unread = (what: string) => (err: unknown): Unread => ({ unreadable: `${what}: ${err instanceof Error ? err.message : String(err)}` });

async function listPods(kube: Pick<Kubectl, "json">, agent: Agent, name: string): Promise<{ items?: PodJson[] } | Unread | undefined> {
  if (!isPresent(agent)) return undefined;
  return kube.json<{ items?: PodJson[] }>(["-n", agent.namespace, "get", "pods", "-l", agent.selector]).catch(unread(`listing ${name}'s pods (${agent.selector}) in ${agent.namespace}`));
}

/** Both policy kinds: cluster-wide TracingPolicies and the TracingPolicyNamespaced in the workload's namespace (list only). */
async function listPolicies(kube: Pick<Kubectl, "json">, ns: string): Promise<TracingPolicyJson[] | Unread> {
  try {
    const cluster = await kube.json<{ items?: TracingPolicyJson[] }>(["get", "tracingpolicies.cilium.io"]);
    const namespaced = await kube.json<{ items?: TracingPolicyJson[] }>(["-n", ns, "get", "tracingpoliciesnamespaced.cilium.io"]);
    const kinded = (items: TracingPolicyJson[] | undefined, kind: string) => (items ?? []).map((p) => ({ ...p, kind: p.kind ?? kind }));
    return [...kinded(cluster.items, "TracingPolicy"), ...kinded(namespaced.items, "TracingPolicyNamespaced")];
  } catch (err) {
    return unread("listing TracingPolicies (cilium.io/v1alpha1)")(err);
  }
}

/** Reads (get/list only) where the workload's pods run, the agents on those nodes and the policies; never throws. */
export async function collectAgents(kube: Pick<Kubectl, "json">, t: AuditTarget, at: string): Promise<AgentsEvidence> {
  const { namespace, kind, name } = t.workload;
  const workload = await kube
    .json<Parameters<typeof selectorOf>[0]>(["-n", namespace, "get", kind === "Deployment" ? "deployment" : "statefulset", name])
    .then((obj) => kube.json<{ items?: PodJson[] }>(["-n", namespace, "get", "pods", "-l", selectorOf(obj, `${kind} ${namespace}/${name}`)]))
    .catch(unread(`listing the pods of ${kind} ${namespace}/${name}`));
  const [falco, tetragon, policies] = await Promise.all([listPods(kube, t.falco, "Falco"), listPods(kube, t.tetragon, "Tetragon"), isPresent(t.tetragon) ? listPolicies(kube, namespace) : Promise.resolve({ unreadable: "Tetragon is absent (target.tetragon.absent), so no TracingPolicy was read" })]);
  return agentsEvidence(at, t, { workload, falco, tetragon, policies });
}
