import type { ClaimId } from "../claims/verdict.ts";

/** One line per claim, as the README's claim table states it. */
export const CLAIM_TITLES: Readonly<Record<ClaimId, string>> = {
  A1: "Secrets are ciphertext in etcd",
  A2: "No Kubernetes Secret holds the app's credentials",
  D1: "Each credential is a real Postgres role with a hard expiry",
  D2: "Credentials rotate without a pod restart",
  D3: "Expired and revoked roles are dropped",
  D4: "After rotate-root only Vault knows the admin password",
  F1: "Falco fires on every in-pod read method",
  F2: "Falco's other rules fire as declared",
  T1: "Tetragon kills every unauthorized reader",
  T2: "The app is unharmed",
  T3: "Both layers see each attempt",
  N1: "Exfiltration is stopped at the network",
  L1: "The app never reveals its credential",
};
