import type { A1Evidence, ExpectedEncryption, StoredCanary } from "./judge.ts";
import { decryptStored, describeStoredValue } from "./stored.ts";
import type { Kubectl } from "../../kube/kubectl.ts";
import { configMapObject, deleteArgs, etcdKey, manifest, namespaceObject, secretObject, type ObjectRef } from "../../etcd/canary.ts";
import type { EtcdProbe } from "../../etcd/probe.ts";
import { kindProbe } from "../../etcd/runners.ts";

/** Where A1 plants its canaries. */
const A1_NAMESPACE = "secretproof-a1";
const SECRET = "a1-canary";
const CONFIGMAP = "a1-control";

const A1_OBJECTS: ObjectRef[] = [
  { kind: "Secret", namespace: A1_NAMESPACE, name: SECRET },
  { kind: "ConfigMap", namespace: A1_NAMESPACE, name: CONFIGMAP },
  { kind: "Namespace", name: A1_NAMESPACE },
];

export interface A1Target {
  kube: Pick<Kubectl, "context" | "run" | "apply">;
  clusterName: string;
  runId: string;
}

async function readCanary(probe: EtcdProbe, kind: "Secret" | "ConfigMap", name: string): Promise<StoredCanary> {
  const key = etcdKey({ kind, namespace: A1_NAMESPACE, name });
  return { key, namespace: A1_NAMESPACE, name, value: (await probe.get(key))?.value };
}

/**
 * Creates a canary Secret and a canary ConfigMap holding `canary` through the
 * API server, then reads both back from etcd's raw bytes, and every value
 * under /registry/secrets/ (described, not kept). With the configured key,
 * the canary Secret is decrypted here so the evidence can record what it
 * decrypted to without recording the key, and every stored Secret is
 * decrypted too, recording only whether it opened.
 */
export async function collectA1(t: A1Target, canary: string, expected: ExpectedEncryption): Promise<A1Evidence> {
  await t.kube.apply(
    manifest([
      namespaceObject(A1_NAMESPACE, t.runId),
      secretObject(A1_NAMESPACE, SECRET, t.runId, { value: canary }),
      configMapObject(A1_NAMESPACE, CONFIGMAP, t.runId, { value: canary }),
    ]),
  );
  const probe = kindProbe({ kube: t.kube, clusterName: t.clusterName });
  const read = await readCanary(probe, "Secret", SECRET);
  const decrypted = expected.key && decryptStored(read, expected.key, expected.keyName);
  const secret = decrypted ? { ...read, decrypted } : read;
  const configMap = await readCanary(probe, "ConfigMap", CONFIGMAP);
  const all = await probe.values("/registry/secrets/");
  const allSecrets = all.map((kv) => describeStoredValue(kv.key, kv.value ?? Buffer.alloc(0), expected));
  return { canary, secret, configMap, expected, allSecrets };
}

export async function deleteA1Canaries(kube: Pick<Kubectl, "run">): Promise<void> {
  for (const ref of A1_OBJECTS) await kube.run(deleteArgs(ref));
}
