import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { VaultBinding } from "../../fixtures/manifests/app.ts";
import { PermanentError } from "../core/errors.ts";
import type { Profile } from "../profile.ts";

/**
 * The parts of the stack other modules define: the Vault definitions
 * (fixtures/vault), the Falco rules (fixtures/falco), the Vault configuration
 * (harness/vault) and the app image (fixtures/app). They are loaded at run
 * time by path, so `up` fails with a clear message if one is missing.
 */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export const EXTERNAL = {
  vaultDefinitions: "fixtures/vault/definitions.ts",
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

/** The Vault role the SecretProviderClass logs in with and reads from (fixtures/vault `vaultNames`). */
export async function loadVaultBinding(): Promise<VaultBinding> {
  const mod = await importModule(EXTERNAL.vaultDefinitions);
  const names = mod.vaultNames as { role?: unknown; audience?: unknown } | undefined;
  if (typeof names?.role !== "string") {
    throw new PermanentError(`${EXTERNAL.vaultDefinitions} does not export vaultNames.role`);
  }
  const audience = typeof names.audience === "string" ? names.audience : undefined;
  return { authRole: names.role, dbRole: names.role, ...(audience ? { audience } : {}) };
}

/** The request bodies fixtures/vault renders for a profile (for `render`), if it exports them. */
export async function loadVaultDefinitions(profile: Profile): Promise<unknown> {
  const mod = await importModule(EXTERNAL.vaultDefinitions);
  const render = mod.renderVaultDefinitions;
  if (typeof render !== "function") throw new PermanentError(`${EXTERNAL.vaultDefinitions} does not export renderVaultDefinitions`);
  return (render as (p: Profile) => unknown)(profile);
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
