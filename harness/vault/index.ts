/** Vault: a typed client handle, the pipeline's configuration, and lease helpers. */
export { connectVault, vaultError, vaultStatus, type VaultApi, type VaultHandle } from "./client.ts";
export { applyVaultConfiguration, configureVault, connectionUrl } from "./configure.ts";
export { gatherLingering, irrevocableLeases, issueCreds, listLeases, lookupAll, lookupLease, revokeLease, withLease } from "./leases.ts";
