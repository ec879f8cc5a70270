import { CLAIM_IDS, type ClaimId } from "../claims/verdict.ts";
import { describePermission, get, isRead, list, podExec, podLogs, type Permission } from "./permissions.ts";
import { sessionNeeds } from "./attack-needs.ts";
import { NOT_COLLECTED } from "./not-collected.ts";
import { type Agent, type AuditTarget, inPodDatabase, isPresent } from "./target.ts";

/** What an auditor consents to beyond reading. */
export interface AuditMode {
  /** Run the catalogue's read methods in the workload's container (pods/exec create). */
  attack: boolean;
  /** Apply a TracingPolicy for the run and remove it afterwards. */
  applyPolicy: boolean;
}

export const READ_ONLY: AuditMode = { attack: false, applyPolicy: false };

/** Access outside the Kubernetes API. */
export type OutsideAccess = "vault-token" | "database" | "etcd-client";

/** What sampling the workload's pods (UID, restartCount) takes: read its object and list its pods. */
export function workloadPermissions(t: AuditTarget): Permission[] {
  return workloadNeeds(t).flatMap((n) => (n.permission ? [n.permission] : []));
}

/** What one claim needs, in one mode. */
export interface ClaimAccess {
  claim: ClaimId;
  /** Permissions it needs, each with why; an optional one missing only limits what the claim can show. */
  permissions: { permission: Permission; why: string; optional?: boolean }[];
  outside: { access: OutsideAccess; why: string; optional?: boolean }[];
  /** Why the claim cannot be run at all in this mode with this target (empty: it can, given the access). */
  blocked: string[];
  /** What the claim runs without, and so what it cannot show (e.g. A2 cannot pass without its negative control). */
  limits: string[];
}

interface Need {
  permission?: Permission;
  outside?: OutsideAccess;
  why: string;
  /** The consent it takes: a need without it blocks the claim (or, if optional, limits it). */
  consent?: keyof AuditMode;
  optional?: boolean;
  /** Without its consent the claim still observes what it can (agents, policies) and only this proof is missing: a limit, not a block. */
  observedWithout?: boolean;
}

/** A claim's needs, or what the target alone settles: a block (it cannot run) or a limit (what it cannot show). */
type Part = Need[] | { blocked: string } | { limit: string };

const FLAG: Record<keyof AuditMode, string> = { attack: "--attack", applyPolicy: "--apply-policy" };

function workloadNeeds(t: AuditTarget): Need[] {
  const { namespace, kind, name } = t.workload;
  const resource = kind === "Deployment" ? "deployments" : "statefulsets";
  return [
    { permission: get(resource, namespace, "apps"), why: `read ${kind} ${namespace}/${name} (its selector and replicas)` },
    { permission: list("pods", namespace), why: `sample the UID and restartCount of ${namespace}/${name}'s pods` },
  ];
}

/** What reads the database: pg_roles over the connection; psql in a pod is not run yet, so it blocks the claim. */
function databaseNeeds(t: AuditTarget, needs: Need[]): Part {
  if (inPodDatabase(t.database)) return { blocked: NOT_COLLECTED.podDatabase };
  return [...needs, { outside: "database", why: "query pg_roles over target.database.connection" }];
}

function agentNeeds(agent: Agent, what: string, field: string): Part {
  if (!isPresent(agent)) return { blocked: `${what} is absent (${field}.absent), so nothing can observe it` };
  return [
    { permission: list("pods", agent.namespace), why: `find the ${what} pods (${agent.selector}) in ${agent.namespace} and whether one is Ready on every node of the workload` },
    { permission: podLogs(agent.namespace), why: `read ${what}'s stream from container ${agent.container} during the attacks`, consent: "attack", observedWithout: true },
    // `kubectl logs pod/<name>` reads the pod first (its resource builder GETs it).
    { permission: get("pods", agent.namespace), why: `read the ${what} pod on the attacked pod's node before following its log`, consent: "attack", observedWithout: true },
  ];
}

function etcdNeeds(t: AuditTarget): Part {
  if (t.etcd === "none") return { blocked: "etcd not reachable: target.etcd is none (managed control plane)" };
  if (t.etcd === "kubeadm-static-pod") return { blocked: NOT_COLLECTED.kubeadmEtcd };
  return [{ outside: "etcd-client", why: `read raw Secret values from ${t.etcd.endpoints.join(", ")} with the client certificate (Range only, over etcd's gRPC gateway POST /v3/kv/range)` }];
}

const attackIn = (t: AuditTarget, what: string, observedWithout = false): Need => ({
  permission: podExec(t.workload.namespace),
  why: `run the catalogue's read methods in ${t.workload.namespace}/${t.workload.name} container ${t.workload.container} (${what})`,
  consent: "attack",
  ...(observedWithout ? { observedWithout } : {}),
});

/**
 * The Vault calls the passive D claims make, each a read but one: LIST
 * sys/leases/lookup/<prefix> (list + sudo: hashicorp/vault
 * vault/logical_system.go:201 lists "leases/lookup/*" among the root-only
 * paths), POST sys/leases/lookup (update: the path has only an
 * UpdateOperation, vault/logical_system_paths.go:3438-3460; it changes
 * nothing), GET <mount>/roles/<role> and GET <mount>/config/<db_name> (read:
 * the connection's username template). Checked at
 * fidelity-contributions/hashicorp-vault@c6c940dde7e0 (2.1.0-beta1; 2.0.4 not read).
 */
function vaultNeed(t: AuditTarget): Need {
  const { databaseMount: m, role } = t.vault;
  return {
    outside: "vault-token",
    why: `read Vault: a token whose policy grants ["list", "sudo"] on sys/leases/lookup/${m}/creds/${role}/, ["update"] on sys/leases/lookup, ["read"] on ${m}/roles/${role} and ["read"] on ${m}/config/<the role's db_name>`,
  };
}

function policyNeeds(t: AuditTarget, apply = true): Need[] {
  const ns = t.workload.namespace;
  const policy = (resource: string, verb: string, namespace?: string): Permission => ({ group: "cilium.io", resource, verb, ...(namespace ? { namespace } : {}) });
  return [
    { permission: policy("tracingpolicies", "list"), why: "find the TracingPolicies that select the workload" },
    { permission: policy("tracingpoliciesnamespaced", "list", ns), why: `find the namespaced TracingPolicies in ${ns}` },
    ...(apply
      ? [
          { permission: policy("tracingpoliciesnamespaced", "create", ns), why: `apply the given policy in ${ns} for the run`, consent: "applyPolicy" as const, optional: true },
          { permission: policy("tracingpoliciesnamespaced", "delete", ns), why: `remove the applied policy from ${ns} afterwards`, consent: "applyPolicy" as const, optional: true },
          ...(isPresent(t.tetragon)
            ? [{ permission: podExec(t.tetragon.namespace), why: "ask the Tetragon agent on the workload's node whether it loaded the applied policy (tetra tracingpolicy list in its container tetragon)", consent: "applyPolicy" as const, optional: true }]
            : []),
        ]
      : []),
  ];
}

/** Each claim's needs, before the mode filters them. */
function claimNeeds(t: AuditTarget): Record<ClaimId, Part[]> {
  const falco = agentNeeds(t.falco, "Falco", "target.falco");
  const tetragon = agentNeeds(t.tetragon, "Tetragon", "target.tetragon");
  const vault = vaultNeed(t);
  // The nodes the workload's pods run on, where each agent must be Ready.
  const placement = workloadNeeds(t);
  const a2: Need[] = [
    { permission: list("secrets"), why: "scan every Secret for the credential" },
    { permission: list("configmaps"), why: "scan every ConfigMap for the credential" },
    { permission: list("pods"), why: "scan every pod's env for the credential" },
    { ...attackIn(t, `read the mounted ${t.secrets.files.join(", ")} to search for`), optional: true },
  ];
  // The DB usernames Vault issued, to search for: its role and username template, and pg_roles.
  const usernames: Part = inPodDatabase(t.database)
    ? { limit: `no DB usernames searched for: ${NOT_COLLECTED.podDatabase}` }
    : [
        { outside: "vault-token", why: `read ${t.vault.databaseMount}/roles/${t.vault.role} and its connection's username template, to search for the DB usernames Vault issued`, optional: true },
        { outside: "database", why: "query pg_roles over target.database.connection", optional: true },
      ];
  return {
    A1: [etcdNeeds(t)],
    A2: [a2, usernames, { limit: "the negative control plants a canary Secret (create secrets), which an audit never does: A2 can fail but not pass" }],
    D1: [databaseNeeds(t, [vault])],
    D2: [databaseNeeds(t, [vault, ...workloadNeeds(t)])],
    D3: [databaseNeeds(t, [vault])],
    D4: [{ blocked: "the database's bootstrap admin password, which D4 tries over TCP, is not something an audit target carries" }],
    F1: [[attackIn(t, "F1", true), ...sessionNeeds(t, "F1", true), ...placement], falco],
    F2: [[attackIn(t, "F2", true), ...sessionNeeds(t, "F2", true), ...placement], falco],
    T1: [[attackIn(t, "T1", true), ...sessionNeeds(t, "T1", true), ...placement], tetragon, policyNeeds(t)],
    T2: [[attackIn(t, "T2"), ...sessionNeeds(t, "T2"), ...workloadNeeds(t)]],
    T3: [[attackIn(t, "T3", true), ...sessionNeeds(t, "T3", true), ...placement], falco, tetragon, policyNeeds(t, false)],
    L1: [
      [
        attackIn(t, "read the mounted credential L1 searches the app's answers and log for"),
        { permission: podLogs(t.workload.namespace), why: `read the app container's log in ${t.workload.namespace}` },
      ],
    ],
    N1: [{ blocked: "the network claim needs an in-cluster sink and an unselected client pod that an audit does not deploy, and Hubble's flows read in the Cilium agent, which the target does not describe" }],
  };
}

/** One claim's access in `mode`: needs without their consent become blocks, or limits when optional. Pure. */
function resolve(claim: ClaimId, parts: Part[], mode: AuditMode): ClaimAccess {
  const out: ClaimAccess = { claim, permissions: [], outside: [], blocked: [], limits: [] };
  for (const part of parts) {
    if ("blocked" in part) out.blocked.push(part.blocked);
    if ("limit" in part) out.limits.push(part.limit);
    if (!Array.isArray(part)) continue;
    for (const n of part) {
      if (n.consent && !mode[n.consent]) {
        const what = n.permission ? describePermission(n.permission) : n.outside;
        (n.optional || n.observedWithout ? out.limits : out.blocked).push(`${n.why} needs ${what}, which only ${FLAG[n.consent]} allows`);
        continue;
      }
      const optional = n.optional ? { optional: true } : {};
      if (n.permission) out.permissions.push({ permission: n.permission, why: n.why, ...optional });
      if (n.outside) out.outside.push({ access: n.outside, why: n.why, ...optional });
    }
  }
  return out;
}

/** The access plan: per claim, in claim-list order, what it needs in `mode`. Pure. */
export function accessPlan(t: AuditTarget, mode: AuditMode = READ_ONLY): ClaimAccess[] {
  const needs = claimNeeds(t);
  return CLAIM_IDS.map((c) => resolve(c, needs[c], mode));
}

/** Every permission the plan uses that is not a read, as words; empty for a read-only plan. */
export function writePermissions(plan: readonly ClaimAccess[]): string[] {
  return plan.flatMap((c) => c.permissions.filter((p) => !isRead(p.permission)).map((p) => `${c.claim}: ${describePermission(p.permission)}`));
}
