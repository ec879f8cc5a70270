import { chmod, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { renderEncryptionConfig } from "../../../clusters/kind/encryption.ts";
import { PermanentError } from "../../core/errors.ts";
import { ENCRYPTION } from "../../../clusters/names.ts";
import { generateSecrets, secretProblems } from "./secrets.ts";
import { loadSecrets, saveSecrets, SECRETS_FILE, type ClusterSecrets } from "./state.ts";

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Host directory mounted into the node with the EncryptionConfiguration. */
export const encryptionHostDir = (dir: string) => join(dir, "encryption");

/**
 * Why stored secrets cannot be used, and what to do. They are never replaced
 * in place: an existing cluster was built with them (its Vault release holds
 * the root token, its API server the key), and `down` is what removes both.
 */
function unusableSecrets(path: string, problems: string[], clusterExists: boolean): PermanentError {
  const why = clusterExists
    ? "the kind cluster was brought up with them, so it cannot be reused"
    : "no kind cluster uses them";
  return new PermanentError(
    `${path} cannot be used: ${problems.join("; ")}. ${why}: run \`secretproof down\` ` +
      "(deletes the cluster and its state directory) and then `secretproof up` to start over with new secrets",
  );
}

/**
 * The cluster's secrets: loaded when they exist, generated (and saved 0600)
 * for a new cluster. A cluster that exists without its secrets cannot be
 * reused: its encryption key would be unknown to A1. Stored secrets of a shape
 * that cannot work (e.g. an `hvs.` root token Vault refuses) stop `up` before
 * anything starts, with the way out, instead of a crash-looping vault-0.
 */
export async function ensureSecrets(dir: string, clusterExists: boolean): Promise<{ secrets: ClusterSecrets; generated: boolean }> {
  if (await exists(join(dir, SECRETS_FILE))) {
    const secrets = await loadSecrets(dir);
    const problems = secretProblems(secrets);
    if (problems.length) throw unusableSecrets(join(dir, SECRETS_FILE), problems, clusterExists);
    return { secrets, generated: false };
  }
  if (clusterExists) {
    throw new PermanentError(
      `the kind cluster exists but its secrets (${join(dir, SECRETS_FILE)}) are gone: run \`secretproof down\` and \`secretproof up\``,
    );
  }
  const secrets = generateSecrets();
  await saveSecrets(dir, secrets);
  return { secrets, generated: true };
}

/**
 * Writes the EncryptionConfiguration (mode 0600 in a 0700 directory). The API
 * server reads it only at start, so for an existing cluster a file that
 * differs from the rendered one is an error, not something to overwrite.
 */
export async function writeEncryptionConfig(dir: string, secrets: ClusterSecrets, clusterExists: boolean, config = renderEncryptionConfig(secrets)): Promise<string> {
  const encDir = encryptionHostDir(dir);
  const path = join(encDir, ENCRYPTION.fileName);
  const text = stringify(config);
  const current = (await exists(path)) ? await readFile(path, "utf8") : undefined;
  if (current === text) return path;
  if (clusterExists && current !== undefined) {
    throw new PermanentError(`${path} no longer matches the cluster's secrets: run \`secretproof down\` and \`secretproof up\``);
  }
  await mkdir(encDir, { recursive: true, mode: 0o700 });
  await chmod(encDir, 0o700);
  await writeFile(path, text, { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}

export async function writeKindConfig(dir: string, yaml: string): Promise<string> {
  const path = join(dir, "kind-config.yaml");
  await writeFile(path, yaml, { mode: 0o600 });
  return path;
}

/** The kind config a cluster was created from, kept until `down` removes the state directory. */
const CREATED_KIND_CONFIG = "kind-config.created.yaml";

export async function recordCreatedKindConfig(dir: string, yaml: string): Promise<void> {
  await writeFile(join(dir, CREATED_KIND_CONFIG), yaml, { mode: 0o600 });
}

/** The recorded config, or undefined when the cluster was created without one being recorded. */
export async function readCreatedKindConfig(dir: string): Promise<string | undefined> {
  const path = join(dir, CREATED_KIND_CONFIG);
  return (await exists(path)) ? readFile(path, "utf8") : undefined;
}

/** Deletes a cluster's local state directory. */
export async function removeState(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
