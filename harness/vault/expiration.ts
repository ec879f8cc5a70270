/**
 * Vault's database backend computes a new role's expiry as now + TTL + this
 * buffer "to ensure the database credential does not expire before the lease"
 * (hashicorp/vault builtin/logical/database/path_creds_create.go:131-138 at
 * 6fd972499f), and the PostgreSQL plugin writes it into VALID UNTIL formatted
 * "2006-01-02 15:04:05-0700" (plugins/database/postgresql/postgresql.go:38,
 * :408), which truncates it to whole seconds. The lease is registered after
 * the plugin returns, at its own now + TTL (vault/expiration.go:1607-1608).
 * So rolvaliduntil − expire_time lies in (4 s − Δ, 5 s − Δ], Δ being the time
 * from the expiry computation to the lease's registration: D1 allows for it
 * with profile.dynamic.expiryTolerance, D3 counts a role's grace from VALID
 * UNTIL, which is never earlier than the lease's expiry plus 4 s − Δ.
 */
export const VAULT_EXPIRATION_BUFFER_MS = 5_000;
