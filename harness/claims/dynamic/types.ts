import type { LoginAttempt } from "../../postgres/login-attempt.ts";
import type { PgRolesSnapshot } from "../../postgres/roles.ts";

/**
 * Evidence the dynamic-credentials claims (D1–D4) are judged on, in the
 * shapes the collectors record them. Times are ISO-8601 strings as each
 * source printed them; `at` is always the harness's own clock. The raw
 * observations are the system modules' own (harness/app, harness/postgres,
 * harness/vault); this family adds what it assembles from them.
 */
export type { AppSample, PodSample } from "../../app/samples.ts";
export type { LoginAttempt } from "../../postgres/login-attempt.ts";
export type { RoleRow as PgRoleRow, PgRolesSnapshot } from "../../postgres/roles.ts";
export type { IrrevocableLease, IrrevocableLeases, LeaseLookup, LeaseRecord, LingeringEvidence, Unreadable } from "../../vault/leases.ts";

/** Issue a credential, see its role, revoke the lease, see the role go (D3). */
export interface RevocationTrial {
  username: string;
  leaseId: string;
  before: PgRolesSnapshot;
  loginBefore: LoginAttempt;
  revokedAt: string;
  /** Snapshots taken after the revocation, oldest first; the suite stops at the first without the role. */
  after: PgRolesSnapshot[];
  loginAfter: LoginAttempt;
}

/** The parameters the dynamic claims are judged against, recorded with the evidence. */
export interface DynamicParams {
  /** Vault database role the app's credentials come from. */
  roleName: string;
  /** The role's default_ttl. */
  defaultTtlMs: number;
  /** Allowed difference between a role's rolvaliduntil and its lease's expiry (profile.dynamic.expiryTolerance). */
  expiryToleranceMs: number;
  /** Time a role may linger after its lease expired (profile.dynamic.dropGrace). */
  dropGraceMs: number;
  /** The role created directly in Postgres, outside Vault (D3 negative control). */
  controlRole: string;
}
