import type { A2Result } from "../claims/a2-no-secrets.ts";
import type { Needle } from "../claims/a2-scan.ts";
import type { ArtifactWriter } from "../evidence/recorder.ts";
import { redactionMarker, redactor as defaultRedactor, type Redactor } from "../evidence/redact.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import { deleteArgs, manifest, namespaceObject, secretObject, type ObjectRef } from "./canary.ts";

/** Where A2 plants the Secret its scan must find (the negative control). */
export const A2_NAMESPACE = "secretproof-a2";
export const A2_PLANT = { namespace: A2_NAMESPACE, name: "a2-planted-canary" };
const A2_OBJECTS: ObjectRef[] = [{ kind: "Secret", ...A2_PLANT }, { kind: "Namespace", name: A2_NAMESPACE }];

export const A2_PATHS = {
  scope: "A2/scan-scope.json",
  inventory: "A2/inventory.json",
  findings: "A2/findings.json",
} as const;

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

/**
 * Writes what A2 was judged on without a single value: the needles by label
 * and hash, an inventory of objects (names, types, labels, data key names),
 * and the findings. The raw kubectl documents hold every Secret in the
 * cluster and are never written.
 */
export async function writeA2Evidence(
  w: ArtifactWriter,
  scope: { identities: Needle[]; control: Needle; secretFreeNamespaces: string[]; allowed: object[] },
  result: A2Result,
): Promise<string[]> {
  const needle = (n: Needle) => ({ label: n.label, marker: redactionMarker(n.value) });
  return Promise.all([
    w.write(A2_PATHS.scope, {
      identities: scope.identities.map(needle),
      control: { ...needle(scope.control), secret: A2_PLANT },
      secretFreeNamespaces: scope.secretFreeNamespaces,
      allowedSecrets: scope.allowed,
    }),
    w.write(A2_PATHS.inventory, result.inventory),
    w.write(A2_PATHS.findings, { findings: result.findings, controlHits: result.controlHits }),
  ]);
}
