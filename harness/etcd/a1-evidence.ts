import { describeStoredValue, type A1Evidence, type StoredCanary } from "../claims/encryption.ts";
import type { ArtifactWriter } from "../evidence/recorder.ts";

/** Bundle paths A1 writes; `secretproof verify` reads the same names. */
export const A1_PATHS = {
  canary: "A1/canary.json",
  secret: "A1/canary-secret.etcd.json",
  configMap: "A1/control-configmap.etcd.json",
  scan: "A1/secrets-scan.json",
} as const;

function stored(c: StoredCanary): object {
  if (!c.value) return { key: c.key, namespace: c.namespace, name: c.name, found: false };
  return {
    key: c.key,
    namespace: c.namespace,
    name: c.name,
    found: true,
    ...describeStoredValue(c.key, c.value),
    base64: c.value.toString("base64"),
    hexHead: c.value.subarray(0, 64).toString("hex"),
  };
}

/**
 * Writes what A1 was judged on: the canary marker, the two canaries' raw etcd
 * bytes (base64, plus a hex head), and one description line per stored Secret
 * (format, provider, key name, length, sha256 — never the bytes, since a
 * plaintext Secret there would be a live credential). The encryption key is
 * not written; register it with the redactor before any of this runs.
 */
export async function writeA1Evidence(rec: ArtifactWriter, e: A1Evidence): Promise<string[]> {
  const { provider, keyName } = e.expected;
  return Promise.all([
    rec.write(A1_PATHS.canary, { canary: e.canary, expected: { provider, keyName } }),
    rec.write(A1_PATHS.secret, stored(e.secret)),
    rec.write(A1_PATHS.configMap, stored(e.configMap)),
    rec.write(A1_PATHS.scan, e.allSecrets.map((kv) => describeStoredValue(kv.key, kv.value))),
  ]);
}
