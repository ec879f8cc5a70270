import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { PermanentError } from "../../core/errors.ts";
import { redactor as defaultRedactor, type Redactor } from "../../evidence/redact.ts";

/**
 * Secrets generated per cluster. They live outside the repository, in a
 * directory only the user can read, and are registered with the redaction
 * layer by every process that loads them.
 */
export interface ClusterSecrets {
  /** Name of the aescbc key in the EncryptionConfiguration. */
  encryptionKeyName: string;
  /** base64 of 32 random bytes, as the EncryptionConfiguration holds it. */
  encryptionKey: string;
  vaultRootToken: string;
  postgresBootstrapPassword: string;
}

export const SECRETS_FILE = "secrets.json";

/** Where a cluster's local state lives: $SECRETPROOF_STATE_DIR or ~/.secretproof/<cluster>. */
export function stateDir(clusterName: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.SECRETPROOF_STATE_DIR ? join(env.SECRETPROOF_STATE_DIR, clusterName) : join(homedir(), ".secretproof", clusterName);
}

export async function saveSecrets(dir: string, secrets: ClusterSecrets): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const path = join(dir, SECRETS_FILE);
  await writeFile(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
}

/** Loads a cluster's secrets; refuses a file others can read. */
export async function loadSecrets(dir: string): Promise<ClusterSecrets> {
  const path = join(dir, SECRETS_FILE);
  let mode: number;
  try {
    mode = (await stat(path)).mode & 0o777;
  } catch (err) {
    throw new PermanentError(`no cluster secrets at ${path}: run \`secretproof up\` first`, { cause: err });
  }
  if (mode & 0o077) throw new PermanentError(`${path} has mode ${mode.toString(8)}; it must be 600 (chmod 600 ${path})`);
  const s = JSON.parse(await readFile(path, "utf8")) as Partial<ClusterSecrets>;
  for (const k of ["encryptionKeyName", "encryptionKey", "vaultRootToken", "postgresBootstrapPassword"] as const) {
    if (typeof s[k] !== "string" || !s[k]) throw new PermanentError(`${path} lacks ${k}; delete the cluster and run \`secretproof up\` again`);
  }
  return s as ClusterSecrets;
}

/** Registers every live secret of a cluster with the redaction layer. */
export function registerSecrets(s: ClusterSecrets, red: Redactor = defaultRedactor): void {
  red.register(s.encryptionKey, "etcd encryption key (base64)");
  red.register(Buffer.from(s.encryptionKey, "base64"), "etcd encryption key (raw)");
  red.register(s.vaultRootToken, "vault root token");
  red.register(s.postgresBootstrapPassword, "postgres bootstrap admin password");
}
