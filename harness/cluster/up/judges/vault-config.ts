import type { VaultDefinitions } from "../../../../fixtures/vault/definitions.ts";
import { vaultDrift, type VaultHeld } from "./vault-drift.ts";

export interface VaultConfigState {
  /** Nothing missing and nothing drifted: there is nothing to apply. */
  configured: boolean;
  /** What is missing. */
  missing: string[];
  /** Where what Vault holds differs from what the profile renders (vault-drift.ts). */
  drift: string[];
  /**
   * Vault holds a connection to Postgres, so it may have rotated the admin
   * password: only when it holds none may the password be reset to the
   * bootstrap one (otherwise Vault's copy would go stale).
   */
  hasConnection: boolean;
}

export interface VaultAnswers {
  mounts: Record<string, unknown>;
  auths: Record<string, unknown>;
  connection: boolean;
  /** What Vault holds of each object the profile renders (`data` of each GET, undefined on 404). */
  held: VaultHeld;
}

/** Vault's answers that decide whether it must be configured for the app, or configured again (pure, for tests). */
export function vaultConfigState(a: VaultAnswers, defs: VaultDefinitions): VaultConfigState {
  const missing: string[] = [];
  if (!("database/" in a.mounts)) missing.push("secrets engine database/");
  if (!a.connection) missing.push("database connection");
  if (!a.held.databaseRole) missing.push("database role");
  if (!a.held.policy) missing.push("ACL policy");
  if (!("kubernetes/" in a.auths)) missing.push("auth method kubernetes/");
  if (!a.held.kubernetesRole) missing.push("kubernetes auth role");
  const drift = vaultDrift(defs, a.held);
  return { configured: missing.length === 0 && drift.length === 0, missing, drift, hasConnection: a.connection };
}
