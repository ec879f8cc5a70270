import type { AgentWhere, AttackWhere } from "../attack/where.ts";
import { type Agent, type AuditTarget, isPresent } from "./target.ts";

/** An agent the target names, read on the attacked pod's node; undefined when it is absent. */
function agentWhere(a: Agent): AgentWhere | undefined {
  return isPresent(a) ? { namespace: a.namespace, selector: a.selector, container: a.container, follow: { onNode: true } } : undefined;
}

/**
 * The attack path's names from an audit target: the workload (any replica
 * is attacked, the first live one by name), its mount and files, its Service
 * when the target names one, and Falco and Tetragon read on the attacked
 * pod's node. Falco's config is not read: that is an exec in Falco's pods,
 * which the audit does not ask for. Throws naming the field when Falco is
 * absent (the attack session needs its stream). Pure.
 */
export function auditWhere(t: AuditTarget): AttackWhere {
  const falco = agentWhere(t.falco);
  if (!falco) throw new Error("Falco is absent (target.falco.absent): an attack session needs Falco's stream to prove each attempt was seen");
  const w = t.workload;
  const tetragon = agentWhere(t.tetragon);
  return {
    app: {
      namespace: w.namespace,
      kind: w.kind,
      name: w.name,
      container: w.container,
      mountPath: t.secrets.mountPath,
      files: t.secrets.files,
      ...(w.service ? { service: w.service } : {}),
      replicas: "any",
    },
    falco: { ...falco, checkConfig: false },
    ...(tetragon ? { tetragon } : {}),
  };
}
