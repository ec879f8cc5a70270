import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { VaultBinding } from "../../../fixtures/manifests/app.ts";
import { vaultNames } from "../../../fixtures/vault/definitions.ts";
import { PermanentError } from "../../core/errors.ts";
import { RULES_PATH } from "../../falco/rules-file.ts";
import type { configureVault } from "../../vault/configure.ts";

/**
 * The parts of the stack other modules define: the Vault definitions
 * (fixtures/vault), the Falco rules (fixtures/falco, read at run time so a
 * missing file is named), the Vault configuration (harness/vault) and the app
 * image (fixtures/app).
 */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export const EXTERNAL = {
  appDir: "fixtures/app",
} as const;

export type { ConfigureVaultOptions } from "../../vault/configure.ts";
export type ConfigureVault = typeof configureVault;

/** The Vault role the SecretProviderClass logs in with and reads from, and the audience its auth role requires. */
export function vaultBinding(): VaultBinding {
  return { authRole: vaultNames.role, dbRole: vaultNames.role, audience: vaultNames.audience };
}

export async function loadFalcoRules(): Promise<string> {
  try {
    return await readFile(RULES_PATH, "utf8");
  } catch (err) {
    throw new PermanentError(`cannot read the Falco rules at ${relative(REPO_ROOT, fileURLToPath(RULES_PATH))}`, { cause: err });
  }
}
