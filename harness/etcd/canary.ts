import { managedLabels } from "../../clusters/names.ts";

/**
 * Objects the A1/A2 suites plant in the cluster. Every one carries the
 * managed-by and run-id labels, so a cleanup sweep by label finds them.
 */

export interface ObjectRef {
  kind: "Namespace" | "Secret" | "ConfigMap";
  namespace?: string;
  name: string;
}

const labels = (runId: string) => managedLabels({}, runId);

export function namespaceObject(name: string, runId: string): object {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: labels(runId) } };
}

/** A Secret whose data values are given in clear and stored base64, as the API expects. */
export function secretObject(namespace: string, name: string, runId: string, data: Record<string, string>): object {
  const b64 = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "utf8").toString("base64")]));
  return { apiVersion: "v1", kind: "Secret", metadata: { name, namespace, labels: labels(runId) }, type: "Opaque", data: b64 };
}

export function configMapObject(namespace: string, name: string, runId: string, data: Record<string, string>): object {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace, labels: labels(runId) }, data };
}

/** One manifest (a v1 List) for `kubectl apply -f -`. */
export function manifest(objects: object[]): string {
  return JSON.stringify({ apiVersion: "v1", kind: "List", items: objects });
}

/** kube-apiserver's etcd key for a namespaced core object (default --etcd-prefix /registry). */
export function etcdKey(ref: { kind: "Secret" | "ConfigMap"; namespace: string; name: string }): string {
  return `/registry/${ref.kind === "Secret" ? "secrets" : "configmaps"}/${ref.namespace}/${ref.name}`;
}

/** `kubectl delete` arguments for planted objects, namespace last; never waits on finalizers. */
export function deleteArgs(ref: ObjectRef): string[] {
  const ns = ref.namespace ? ["-n", ref.namespace] : [];
  return ["delete", ...ns, ref.kind.toLowerCase(), ref.name, "--ignore-not-found", "--wait=false"];
}
