import { redactor as defaultRedactor, type Redactor } from "../../evidence/redact.ts";
import type { Kubectl } from "../../kube/kubectl.ts";
import { deleteArgs, manifest, namespaceObject, secretObject, type ObjectRef } from "../../etcd/canary.ts";

/** Where A2 plants the Secret its scan must find (the negative control). */
const A2_NAMESPACE = "secretproof-a2";
export const A2_PLANT = { namespace: A2_NAMESPACE, name: "a2-planted-canary" };
const A2_OBJECTS: ObjectRef[] = [{ kind: "Secret", ...A2_PLANT }, { kind: "Namespace", name: A2_NAMESPACE }];

/** Plants a Secret holding `canary` (registered with the redactor first: it is written like a credential). */
export async function plantA2Canary(kube: Pick<Kubectl, "apply">, runId: string, canary: string, red: Redactor = defaultRedactor) {
  red.register(canary, "A2 planted canary");
  await kube.apply(manifest([namespaceObject(A2_NAMESPACE, runId), secretObject(A2_NAMESPACE, A2_PLANT.name, runId, { password: canary })]));
}

/** The two documents the A2 judge reads: every Secret and ConfigMap, and every Pod, cluster-wide. */
export async function collectA2(kube: Pick<Kubectl, "json">): Promise<{ secretsAndConfigMaps: unknown; pods: unknown }> {
  const secretsAndConfigMaps = await kube.json<unknown>(["get", "secrets,configmaps", "--all-namespaces"]);
  const pods = await kube.json<unknown>(["get", "pods", "--all-namespaces"]);
  return { secretsAndConfigMaps, pods };
}

export async function deleteA2Canary(kube: Pick<Kubectl, "run">): Promise<void> {
  for (const ref of A2_OBJECTS) await kube.run(deleteArgs(ref));
}
