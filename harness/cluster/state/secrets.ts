import { randomBytes } from "node:crypto";
import type { ClusterSecrets } from "./state.ts";
import { ENCRYPTION } from "../../../clusters/names.ts";
import { generateVaultRootToken, vaultRootTokenProblems } from "./vault-root-token.ts";

/**
 * Fresh secrets for a new cluster: a 32-byte aescbc key, a Vault root token
 * of a shape Vault accepts as a chosen ID (vault-root-token.ts) and a Postgres
 * bootstrap password. The password uses the base64url alphabet
 * only, so it needs no quoting in a connection URL or in SQL.
 */
export function generateSecrets(): ClusterSecrets {
  return {
    encryptionKeyName: ENCRYPTION.keyName,
    encryptionKey: randomBytes(32).toString("base64"),
    vaultRootToken: generateVaultRootToken(),
    postgresBootstrapPassword: randomBytes(24).toString("base64url"),
  };
}

/** What `render` and `up --dry-run` write where a generated secret would go. */
export const PLACEHOLDER_SECRETS: ClusterSecrets = {
  encryptionKeyName: ENCRYPTION.keyName,
  encryptionKey: "<generated per cluster: 32 random bytes, base64>",
  vaultRootToken: "<generated per cluster: Vault root token>",
  postgresBootstrapPassword: "<generated per cluster: Postgres bootstrap admin password>",
};

export function isPlaceholder(value: string): boolean {
  return value.startsWith("<generated per cluster:");
}

/**
 * Problems with a set of live secrets: the aescbc key must be exactly 32
 * bytes, and Vault must accept the root token as a chosen ID (a state
 * directory from before may hold an `hvs.` token, which Vault refuses).
 * The messages never hold a value.
 */
export function secretProblems(s: ClusterSecrets): string[] {
  const problems: string[] = [];
  if (Buffer.from(s.encryptionKey, "base64").length !== 32 || !/^[A-Za-z0-9+/]+=*$/.test(s.encryptionKey)) {
    problems.push("encryptionKey must be base64 of exactly 32 bytes (aescbc)");
  }
  if (!/^[A-Za-z0-9_-]{16,}$/.test(s.postgresBootstrapPassword)) {
    problems.push("postgresBootstrapPassword must be at least 16 characters of [A-Za-z0-9_-]");
  }
  problems.push(...vaultRootTokenProblems(s.vaultRootToken));
  return problems;
}
