import { get, type Permission } from "./permissions.ts";
import type { AuditTarget } from "./target.ts";

/** A permission the attack session needs, with why; only --attack gives it. */
export interface SessionNeed {
  permission: Permission;
  why: string;
  consent: "attack";
  /** Without it the claim still observes the agents and policies: a limit, not a block. */
  observedWithout?: boolean;
}

/**
 * What the attack session needs besides exec: `kubectl exec <pod>` GETs the
 * pod first (kubernetes/kubernetes@006d5b85392c staging/src/k8s.io/kubectl/pkg/cmd/exec/exec.go,
 * Run: builder.ResourceNames("pods", …)); with target.workload.service, the
 * port-forward reads the Service and creates pods/portforward.
 */
export function sessionNeeds(t: AuditTarget, what: string, observedWithout = false): SessionNeed[] {
  const { namespace: ns, name, service: svc } = t.workload;
  const portForward: Permission = { group: "", resource: "pods", subresource: "portforward", verb: "create", namespace: ns };
  const needs: SessionNeed[] = [
    { permission: get("pods", ns), why: `read the attacked pod of ${ns}/${name} before each exec (${what})`, consent: "attack" },
    ...(svc
      ? [
          { permission: get("services", ns), why: `read Service ${ns}/${svc.name} to probe the app through it (${what})`, consent: "attack" as const },
          { permission: portForward, why: `port-forward to Service ${ns}/${svc.name} to probe the app (${what})`, consent: "attack" as const },
        ]
      : []),
  ];
  return needs.map((n) => (observedWithout ? { ...n, observedWithout } : n));
}

