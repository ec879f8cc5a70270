/**
 * Evidence the dynamic-credentials claims (D1–D4) are judged on, in the
 * shapes the collectors record them. Times are ISO-8601 strings as each
 * source printed them; `at` is always the harness's own clock.
 */

/** One GET of the app's page. */
export interface AppSample {
  /** When the request started (harness clock). */
  at: string;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  /** The database user the app reported for this request. */
  identity?: string;
  /** How long the request took, when known. */
  durationMs?: number;
  /** Why no usable answer arrived (connection refused, bad JSON, …). */
  error?: string;
}

/** One look at the app's pod. */
export interface PodSample {
  at: string;
  name: string;
  uid: string;
  restartCount: number;
}

/** A row of `pg_roles`, as `row_to_json` renders it. */
export interface PgRoleRow {
  rolname: string;
  /** timestamptz as Postgres prints it in JSON, "infinity", or null when unset. */
  rolvaliduntil: string | null;
  rolcanlogin: boolean;
}

/** One query of `pg_roles` taken inside the Postgres pod over its local socket. */
export interface PgRolesSnapshot {
  /** When the query was sent (harness clock). */
  at: string;
  /** Postgres's own `now()` in that query. */
  pgNow: string;
  rows: PgRoleRow[];
}

/** The `data` of `PUT sys/leases/lookup` (vault/logical_system.go handleLeaseLookup). */
export interface LeaseLookup {
  id: string;
  issue_time: string;
  /** null when the lease has no expiry. */
  expire_time: string | null;
  /**
   * Whole seconds from Vault's clock, rounded to the second, to expire_time,
   * converted toward zero: negative once the lease is past its expiry and
   * still held (vault/expiration.go:3082-3084; see vaultNowAtLookup).
   */
  ttl: number;
  renewable?: boolean;
  last_renewal?: string | null;
}

/** A lease lookup and when the harness made it. */
export interface LeaseRecord {
  /** When the lookup was sent (harness clock). */
  at: string;
  lookup: LeaseLookup;
}

/** One password login over TCP, as psql reported it. Passwords are never recorded. */
export interface LoginAttempt {
  at: string;
  user: string;
  host: string;
  port: number;
  database: string;
  /** Which credential was presented, e.g. "bootstrap admin password". */
  credential: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

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

/** One entry of GET sys/leases?type=irrevocable (vault/expiration.go leaseResponse, :2937-2942 at 6fd972499f). */
export interface IrrevocableLease {
  lease_id: string;
  /** The mount's accessor. */
  mount_id: string;
  /** The revocation error Vault kept when it gave up (at most 240 characters, "unknown" when empty: :2829-2840). */
  error: string;
}

/** The `data` of GET sys/leases?type=irrevocable (vault/logical_system.go handleLeaseList; expiration.go listIrrevocableLeases). */
export interface IrrevocableLeases {
  lease_count: number;
  leases: IrrevocableLease[];
}

/** A source the suite could not read, and why: recorded in its place. */
export interface Unreadable {
  unreadable: string;
}

/**
 * What the suite gathers when app identities are still in pg_roles at the
 * end of the D3 drop wait, to tell why Vault has not dropped them.
 */
export interface LingeringEvidence {
  /** When gathering started (harness clock). */
  at: string;
  /** The pg_roles rows of the app identities still listed when the wait ended. */
  roles: PgRoleRow[];
  /** Every lease Vault still holds under database/creds/<role>/, looked up after the wait. */
  leases: LeaseRecord[] | Unreadable;
  /** GET sys/leases?type=irrevocable. */
  irrevocable: IrrevocableLeases | Unreadable;
  /** The lines of Vault's log that report failed revocations (harness/vault/revoke-log.ts). */
  vaultLog: string[] | Unreadable;
}
