import { stat } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { SECRETS_FILE, loadSecrets, registerSecrets, type ClusterSecrets } from "../cluster/state/state.ts";
import type { KnownSecret } from "./secret-scan.ts";

/** The values of a cluster's secrets that the scan searches for, labelled (never printed). */
export function knownClusterSecrets(s: ClusterSecrets): KnownSecret[] {
  return [
    { label: "vault root token", value: Buffer.from(s.vaultRootToken, "utf8") },
    { label: "postgres bootstrap admin password", value: Buffer.from(s.postgresBootstrapPassword, "utf8") },
    { label: `etcd encryption key "${s.encryptionKeyName}"`, value: Buffer.from(s.encryptionKey, "base64") },
  ];
}

/**
 * Reads a cluster's secrets from its state directory or the secrets.json in
 * it (refused unless mode 0600), registers them with the redaction layer so
 * nothing prints them, and returns them for the scan.
 */
export async function readClusterSecretsFile(path: string): Promise<KnownSecret[]> {
  const dir = (await stat(path)).isDirectory() ? path : basename(path) === SECRETS_FILE ? dirname(path) : undefined;
  if (!dir) throw new Error(`${path} is neither a cluster state directory nor its ${SECRETS_FILE}`);
  const secrets = await loadSecrets(dir);
  registerSecrets(secrets);
  return knownClusterSecrets(secrets);
}
