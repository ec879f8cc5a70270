/** One Kubernetes API permission, as RBAC grants it and SelfSubjectAccessReview checks it. */
export interface Permission {
  /** API group; "" is the core group. */
  group: string;
  resource: string;
  subresource?: string;
  verb: string;
  /** Absent: cluster-wide (all namespaces). */
  namespace?: string;
}

/** The verbs that only read. A read-only audit's plan holds nothing else. */
export const READ_VERBS: readonly string[] = ["get", "list", "watch"];

export const isRead = (p: Permission): boolean => READ_VERBS.includes(p.verb);

export const resourceOf = (p: Pick<Permission, "resource" | "subresource">): string => (p.subresource ? `${p.resource}/${p.subresource}` : p.resource);

/** "list secrets (cluster-wide)", "create pods/exec in test-dynamic", "list tracingpolicies.cilium.io in …". */
export function describePermission(p: Permission): string {
  const what = `${p.verb} ${resourceOf(p)}${p.group ? `.${p.group}` : ""}`;
  return p.namespace ? `${what} in ${p.namespace}` : `${what} (cluster-wide)`;
}

export const permissionKey = (p: Permission): string => `${p.namespace ?? "*"}|${p.group}|${resourceOf(p)}|${p.verb}`;

export const get = (resource: string, namespace?: string, group = ""): Permission => ({ group, resource, verb: "get", ...(namespace ? { namespace } : {}) });
export const list = (resource: string, namespace?: string, group = ""): Permission => ({ group, resource, verb: "list", ...(namespace ? { namespace } : {}) });
export const podLogs = (namespace: string): Permission => ({ group: "", resource: "pods", subresource: "log", verb: "get", namespace });
export const podExec = (namespace: string): Permission => ({ group: "", resource: "pods", subresource: "exec", verb: "create", namespace });
