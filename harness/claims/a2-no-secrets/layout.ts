/**
 * The A2 family's id: it names this folder, the suite
 * (suites/e2e/a2-no-secrets.test.ts) and the verdicts (verdicts/a2-no-secrets.json).
 */
export const ID = "a2-no-secrets";

/**
 * Where A2's evidence lies in a run directory; `writeA2Evidence` writes these
 * files and `readA2Evidence` (and so `secretproof verify`) reads them. The
 * directory keeps the name bundles were first recorded under, "A2".
 *
 *   A2/scan-scope.json         the needles by label and hash, the rules' parameters
 *   A2/inventory.json          every scanned Secret, ConfigMap and Pod: names, types, labels, key names
 *   A2/findings.json           needle hits (object, field, needle hash), findings, control hits
 *   verdicts/a2-no-secrets.json the verdict, as judgeA2Scan computes it from the above
 */
export const LAYOUT = {
  scope: "A2/scan-scope.json",
  inventory: "A2/inventory.json",
  findings: "A2/findings.json",
} as const;
