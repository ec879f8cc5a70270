/**
 * Vault's words about a failing revocation, in the exact shapes it prints
 * them. Log lines: go-hclog v1.6.3 plain format (intlogger.go logPlain) for
 * vault/expiration.go:308-309's logger.Error("failed to revoke lease", ...);
 * the error is revokeEntry's "failed to revoke entry: resp: %#v err: %w"
 * (:2181) around pgx's "ERROR: <message> (SQLSTATE <code>)". The irrevocable
 * list is the `data` of GET sys/leases?type=irrevocable (expiration.go
 * listIrrevocableLeases, leaseResponse); mount_id is the mount's accessor.
 */
import type { IrrevocableLeases } from "../../harness/claims/dynamic/types.ts";

export const VAULT_LOG_ONE_LINE =
  '2026-11-26T10:01:17.312Z [ERROR] expiration: failed to revoke lease: lease_id=database/creds/secure-app-dynamic/Q2w3E4r5T6y7U8i9O0pA0 ' +
  'error="failed to revoke entry: resp: (*logical.Response)(nil) err: ERROR: role \\"v-kubernet-secure-a-XrqklZNhLjkrgBfY4gq9-1795687200\\" ' +
  'cannot be dropped because some objects depend on it (SQLSTATE 2BP01)" attempts=2 next_attempt=37.118052493s';

export const VAULT_LOG_MULTI_LINE = [
  "2026-11-26T10:01:02.004Z [ERROR] expiration: failed to revoke lease: lease_id=database/creds/secure-app-dynamic/aSdFgHjKlZxCvBnM12341",
  "  error=",
  "  | 1 error occurred:",
  '  | \\t* pq: role "v-kubernet-secure-a-knk9iBKfTsC5NYDToIzC-1795687215" does not exist',
  "  | ",
  "   attempts=1 next_attempt=24.7s",
].join("\n");

export const VAULT_LOG_OTHER = [
  "2026-11-26T09:58:40.120Z [INFO]  core: successful mount: namespace=\"\" path=database/ type=database version=\"\"",
  "2026-11-26T09:58:41.002Z [INFO]  expiration: lease restore complete",
  "2026-11-26T10:00:15.331Z [INFO]  expiration: revoked lease: lease_id=database/creds/secure-app-dynamic/PoIuYtReWq09876543214",
  "2026-11-26T10:00:16.100Z [WARN]  expiration: failed to mark lease as irrevocable - nil lease: lease_id=database/creds/secure-app-dynamic/x",
].join("\n");

export function irrevocableList(...entries: { leaseId: string; error: string }[]): IrrevocableLeases {
  return {
    lease_count: entries.length,
    leases: entries.map((x) => ({ lease_id: x.leaseId, mount_id: "database_5b0f1c2d", error: x.error })),
  };
}
