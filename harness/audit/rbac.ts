import { Document, isMap, isSeq } from "yaml";
import { MANAGED_BY } from "../../clusters/names.ts";
import type { ClaimId } from "../claims/verdict.ts";
import type { ClaimAccess } from "./access-plan.ts";
import { resourceOf } from "./permissions.ts";

export const AUDIT_ROLE_NAME = "secretproof-audit";

/** One RBAC rule and the claims that need it. */
export interface PlannedRule {
  /** Absent: a ClusterRole rule. */
  namespace?: string;
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  claims: ClaimId[];
}

export interface RbacObject {
  apiVersion: "rbac.authorization.k8s.io/v1";
  kind: "Role" | "ClusterRole";
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
}

/**
 * The plan's permissions as rules, one per namespace, group and resource,
 * verbs and claims merged. A claim the mode or the target blocks gets
 * nothing: the role grants only what a claim that can run uses. Pure.
 */
export function plannedRules(plan: readonly ClaimAccess[]): PlannedRule[] {
  const rules = new Map<string, PlannedRule>();
  for (const c of plan.filter((x) => x.blocked.length === 0)) {
    for (const { permission: p } of c.permissions) {
      const key = `${p.namespace ?? ""}|${p.group}|${resourceOf(p)}`;
      const r = rules.get(key) ?? { ...(p.namespace ? { namespace: p.namespace } : {}), apiGroups: [p.group], resources: [resourceOf(p)], verbs: [], claims: [] };
      if (!r.verbs.includes(p.verb)) r.verbs.push(p.verb);
      if (!r.claims.includes(c.claim)) r.claims.push(c.claim);
      rules.set(key, r);
    }
  }
  const sorted = [...rules.values()].sort((a, b) => (a.namespace ?? "").localeCompare(b.namespace ?? "") || a.resources[0]!.localeCompare(b.resources[0]!));
  return sorted.map((r) => ({ ...r, verbs: r.verbs.sort() }));
}

/** The ClusterRole (cluster-wide rules) and one Role per namespace, each rule with the claims needing it. Pure. */
export function rbacObjects(plan: readonly ClaimAccess[]): { object: RbacObject; claims: ClaimId[][] }[] {
  const rules = plannedRules(plan);
  const scopes = [...new Set(rules.map((r) => r.namespace))];
  return scopes.map((ns) => {
    const mine = rules.filter((r) => r.namespace === ns);
    const object: RbacObject = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: ns ? "Role" : "ClusterRole",
      metadata: { name: AUDIT_ROLE_NAME, ...(ns ? { namespace: ns } : {}), labels: { ...MANAGED_BY } },
      rules: mine.map(({ apiGroups, resources, verbs }) => ({ apiGroups, resources, verbs })),
    };
    return { object, claims: mine.map((r) => r.claims) };
  });
}

/** The roles as YAML documents, a comment above each rule naming the claims that need it. */
export function renderRbac(plan: readonly ClaimAccess[], header: string[]): string {
  const docs = rbacObjects(plan).map(({ object, claims }, i) => {
    const doc = new Document(object);
    if (i === 0) doc.commentBefore = header.map((l) => ` ${l}`).join("\n");
    const rules = doc.get("rules", true);
    if (isSeq(rules)) {
      rules.items.forEach((item, j) => {
        if (isMap(item)) item.commentBefore = ` needed by ${claims[j]!.join(", ")}`;
      });
    }
    return doc.toString();
  });
  return docs.join("---\n");
}
