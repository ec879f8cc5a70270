/**
 * The A1 family's id: it names this folder, the suite
 * (suites/e2e/a1-encryption.test.ts) and the verdicts (verdicts/a1-encryption.json).
 */
export const ID = "a1-encryption";

/**
 * Where A1's evidence lies in a run directory; `writeA1Evidence` writes these
 * files and `readA1Evidence` (and so `secretproof verify`) reads them. The
 * directory keeps the name bundles were first recorded under, "A1".
 *
 *   A1/canary.json                  the canary marker and the expected provider and key name
 *   A1/canary-secret.etcd.json      the canary Secret's raw etcd bytes, and what they decrypted to
 *   A1/control-configmap.etcd.json  the control ConfigMap's raw etcd bytes
 *   A1/secrets-scan.json            one description per value under /registry/secrets/ (never the bytes)
 *   verdicts/a1-encryption.json     the verdict, as judgeA1 computes it from the above
 */
export const LAYOUT = {
  canary: "A1/canary.json",
  secret: "A1/canary-secret.etcd.json",
  configMap: "A1/control-configmap.etcd.json",
  scan: "A1/secrets-scan.json",
} as const;

/**
 * A passive A1 (an audit, which plants nothing and holds no key):
 *
 *   A1/passive.json       the judge's name, the reader, and the control ConfigMap described (never its bytes)
 *   A1/secrets-scan.json  one description per value under /registry/secrets/, as LAYOUT.scan
 */
export const PASSIVE_LAYOUT = {
  passive: "A1/passive.json",
  scan: LAYOUT.scan,
} as const;
