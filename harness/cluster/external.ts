import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { VaultBinding } from "../../fixtures/manifests/app.ts";
import { vaultNames } from "../../fixtures/vault/definitions.ts";
import { PermanentError } from "../core/errors.ts";
import type { Profile } from "../profile.ts";

/**
 * The parts of the stack other modules define: the Vault definitions
 * (fixtures/vault, imported), the Falco rules (fixtures/falco), the Vault
 * configuration (harness/vault) and the app image (fixtures/app). The rules
 * and the configuration module are loaded at run time by path, so `up` fails
 * with a clear message naming the one that is missing.
 */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export const EXTERNAL = {
  falcoRules: "fixtures/falco/secretproof-rules.yaml",
  configureVault: "harness/vault/configure.ts",
  appDir: "fixtures/app",
} as const;

/** What `configure-vault` passes to harness/vault/configure.ts `configureVault`. */
export interface ConfigureVaultOptions {
  addr: string;
  token: string;
  profile: Profile;
  postgres: { host: string; port: number; adminUser: string; adminPassword: string; database: string };
  /** Kubernetes auth: the API server address as Vault, inside the cluster, reaches it. */
  kubernetes?: { host: string };
}

export type ConfigureVault = (opts: ConfigureVaultOptions) => Promise<void>;

async function importModule(rel: string): Promise<Record<string, unknown>> {
  const url = new URL(rel, `file://${REPO_ROOT}`).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (err) {
    throw new PermanentError(`cannot load ${rel}: ${(err as Error).message}`, { cause: err });
  }
}

/** The Vault role the SecretProviderClass logs in with and reads from, and the audience its auth role requires. */
export function vaultBinding(): VaultBinding {
  return { authRole: vaultNames.role, dbRole: vaultNames.role, audience: vaultNames.audience };
}

export async function loadConfigureVault(): Promise<ConfigureVault> {
  const mod = await importModule(EXTERNAL.configureVault);
  if (typeof mod.configureVault !== "function") {
    throw new PermanentError(`${EXTERNAL.configureVault} does not export configureVault(opts)`);
  }
  return mod.configureVault as ConfigureVault;
}

export async function loadFalcoRules(): Promise<string> {
  const path = `${REPO_ROOT}${EXTERNAL.falcoRules}`;
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new PermanentError(`cannot read the Falco rules at ${EXTERNAL.falcoRules}`, { cause: err });
  }
}
