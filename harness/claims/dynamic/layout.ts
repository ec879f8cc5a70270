/**
 * The dynamic family's id: it names this folder, its bundle directory, the
 * suite (suites/e2e/dynamic.test.ts) and the verdicts (verdicts/dynamic.json).
 */
export const ID = "dynamic";

/**
 * Where the dynamic suite records its evidence inside a run directory
 * (evidence.ts writes and reads it); verdicts/dynamic.json holds the verdicts
 * judgeDynamic computes from it.
 */
export const LAYOUT = {
  params: `${ID}/params.json`,
  /** Every app sample, one JSON object a line (D2, D3). */
  appSamples: `${ID}/app-samples.jsonl`,
  /** Every pod sample, one a line (D2). */
  podSamples: `${ID}/pod-samples.jsonl`,
  /** Every pg_roles snapshot taken during and after the observation window (D3). */
  pgRoles: `${ID}/pg-roles.jsonl`,
  /** Every lease lookup (D3 reads Vault's clock from them). */
  leases: `${ID}/leases.jsonl`,
  /** The CSI remount cadence seen in the D2 window and the model's bound; recorded, not re-judged. */
  remountCadence: `${ID}/remount-cadence.json`,
  /** The sample, snapshot and lease lookups D1 judged, together. */
  d1: `${ID}/d1.json`,
  revocation: `${ID}/d3-revocation.json`,
  /** Written only when D3 (TTL expiry) does not pass: what Vault says about the leases of the identities that outlived their deadline. */
  lingering: `${ID}/d3-lingering.json`,
  logins: `${ID}/d4-logins.json`,
  /** How each step of the observation ended (background.ts): the suite reports a step that failed by its message; not re-judged. */
  observation: `${ID}/observation.json`,
} as const;
