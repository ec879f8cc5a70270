import { APP, NS, TETRAGON } from "../../clusters/names.ts";

/** How an agent's stream is followed: every pod its selector matches, its DaemonSet, or its pod on the attacked pod's node. */
export type AgentFollow = { selector: true } | { daemonSet: string } | { onNode: true };

/** Where an agent runs: its pods' namespace and label selector, the container carrying its stream. */
export interface AgentWhere {
  namespace: string;
  selector: string;
  container: string;
  follow: AgentFollow;
}

/** The app under attack: its workload, the container attacked, the secrets mount and, when probed, its Service. */
export interface AppWhere {
  namespace: string;
  kind: "Deployment" | "StatefulSet";
  name: string;
  container: string;
  mountPath: string;
  files: string[];
  /** The Service (and port) the traffic probe goes through; absent: the app is not probed. */
  service?: { name: string; port: number };
  /** "one": exactly one live pod or an error (the kind stack's single replica); "any": the first live pod by name, the others observed. */
  replicas: "one" | "any";
  /** The pod to attack, by name, when already chosen (an audit's enforcement phase: the pod its policy was proven on); absent: found as `replicas` says. */
  pod?: string;
}

/**
 * The names the attack path uses: where the app runs and where Falco and
 * Tetragon run. The suites build it from the kind stack's names
 * (kindWhere), the audit from its target (harness/audit/attack-where.ts).
 */
export interface AttackWhere {
  app: AppWhere;
  falco: AgentWhere & {
    /** Read each Falco pod's falco.yaml (pods/exec in its namespace) to check every rule may fire; the kind stack only. */
    checkConfig: boolean;
  };
  /** Absent where the deployment runs no Tetragon. */
  tetragon?: AgentWhere;
}

/**
 * The kind stack's names (clusters/names.ts), in the forms the suites have
 * always used: Falco followed by its label selector (the chart's
 * app.kubernetes.io/name=falco, container falco), Tetragon through ds/tetragon
 * (container export-stdout, which carries the chart's event export). Pure.
 */
export function kindWhere(): AttackWhere & { tetragon: AgentWhere } {
  return {
    app: {
      namespace: NS.app,
      kind: "Deployment",
      name: APP.deployment,
      container: APP.container,
      mountPath: APP.mountPath,
      files: [APP.usernameObject, APP.passwordObject],
      service: { name: APP.service, port: APP.servicePort },
      replicas: "one",
    },
    falco: { namespace: NS.falco, selector: "app.kubernetes.io/name=falco", container: "falco", follow: { selector: true }, checkConfig: true },
    tetragon: { namespace: TETRAGON.namespace, selector: `app.kubernetes.io/name=${TETRAGON.daemonSet}`, container: "export-stdout", follow: { daemonSet: TETRAGON.daemonSet } },
  };
}

/** `kubectl get` resource of a workload kind. */
export function workloadResource(kind: AppWhere["kind"]): "deployment" | "statefulset" {
  return kind === "Deployment" ? "deployment" : "statefulset";
}
