/** Vault: a typed client handle, the pipeline's configuration, and lease helpers. */
export { connectVault, vaultError, vaultStatus, VaultResponseError, type ConnectVaultOptions, type VaultApi, type VaultHandle } from "./client.ts";
export { applyVaultConfiguration, configureVault, connectionUrl, ensureMount, type ConfigureVaultOptions, type PostgresAdmin } from "./configure.ts";
export { gatherLingering, irrevocableLeases, issueCreds, listLeases, lookupAll, lookupLease, revokeLease, withLease, type IssuedCreds } from "./leases.ts";
