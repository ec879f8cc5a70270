/**
 * Evidence in the exact shapes the collectors record, built from a timeline.
 * Formats: Vault lease lookups print RFC 3339 with nanoseconds in UTC
 * (vault/logical_system.go); Postgres's row_to_json prints timestamptz as
 * "2026-11-26T10:00:50+00:00" and "infinity"; psql's stderr lines below were
 * captured from PostgreSQL 15 with scram-sha-256 host auth.
 */
import type { DynamicEvidence } from "../../harness/claims/dynamic/evidence.ts";
import type { AppSample, DynamicParams, LeaseRecord, LoginAttempt, PgRoleRow, PgRolesSnapshot, PodSample } from "../../harness/claims/dynamic/types.ts";

export const T0 = Date.parse("2026-11-26T10:00:00Z");
export const TTL_MS = 45_000;
export const ROLE = "secure-app-dynamic";
export const CONTROL = "v-secretproof-control-3f9a1c";

export const params: DynamicParams = {
  roleName: ROLE,
  defaultTtlMs: TTL_MS,
  expiryToleranceMs: 5_000,
  dropGraceMs: 45_000,
  controlRole: CONTROL,
};

export const iso = (ms: number) => new Date(ms).toISOString();

/** Vault prints nanoseconds. */
export const vaultTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1456789Z");

/** Postgres prints whole seconds here, with the session's zone offset. */
export function pgTime(ms: number, offsetMinutes = 0): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const off = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(off / 60)).padStart(2, "0")}:${String(off % 60).padStart(2, "0")}`;
}

export interface Cred {
  username: string;
  leaseId: string;
  /** Vault's clock. */
  issueMs: number;
  /** VALID UNTIL Vault wrote into CREATE ROLE (Vault's clock, whole seconds). */
  validUntilMs: number;
}

const RANDOM = ["XrqklZNhLjkrgBfY4gq9", "knk9iBKfTsC5NYDToIzC", "Q2w3E4r5T6y7U8i9O0pA", "aSdFgHjKlZxCvBnM1234", "PoIuYtReWq0987654321"];

/** The k-th credential the CSI provider fetched, `k * every` after T0, on Vault's clock. */
export function cred(k: number, every = 15_000, ttl = TTL_MS): Cred {
  const createMs = T0 + k * every + 100;
  const unix = Math.floor(createMs / 1000);
  return {
    username: `v-kubernet-secure-a-${RANDOM[k % RANDOM.length]}-${unix}`,
    leaseId: `database/creds/${ROLE}/${RANDOM[(k + 2) % RANDOM.length]?.slice(0, 24)}${k}`,
    issueMs: createMs + 23,
    validUntilMs: Math.floor((createMs + ttl + 5_000) / 1000) * 1000,
  };
}

/**
 * The ttl Vault prints for a lease lookup: int64(ExpireTime.Sub(time.Now().Round(time.Second)).Seconds())
 * (vault/expiration.go:3082-3084): now rounded half up to the second, the
 * difference converted toward zero (so -0.9 s prints 0 and -1.2 s prints -1).
 */
export function vaultLeaseTtl(expireMs: number, vaultNowMs: number): number {
  return Math.trunc((expireMs - Math.round(vaultNowMs / 1000) * 1000) / 1000) + 0;
}

export function lease(c: Cred, atMs: number, opts: { ttlMs?: number; vaultAheadMs?: number } = {}): LeaseRecord {
  const ttl = opts.ttlMs ?? TTL_MS;
  const expire = c.issueMs + ttl;
  const vaultNow = atMs + (opts.vaultAheadMs ?? 0) + 40;
  return {
    at: iso(atMs),
    lookup: {
      id: c.leaseId,
      issue_time: vaultTime(c.issueMs),
      expire_time: vaultTime(expire),
      ttl: vaultLeaseTtl(expire, vaultNow),
      renewable: true,
      last_renewal: null,
    },
  };
}

export const row = (c: Cred, offsetMinutes = 0): PgRoleRow => ({ rolname: c.username, rolvaliduntil: pgTime(c.validUntilMs, offsetMinutes), rolcanlogin: true });
export const controlRow: PgRoleRow = { rolname: CONTROL, rolvaliduntil: "2000-01-01T00:00:00+00:00", rolcanlogin: false };
export const adminRow: PgRoleRow = { rolname: "postgres", rolvaliduntil: null, rolcanlogin: true };

export function snapshot(atMs: number, creds: Cred[], opts: { pgAheadMs?: number; offsetMinutes?: number; control?: boolean } = {}): PgRolesSnapshot {
  const rows = [adminRow, ...creds.map((c) => row(c, opts.offsetMinutes)), ...(opts.control === false ? [] : [controlRow])];
  return { at: iso(atMs), pgNow: pgTime(atMs + (opts.pgAheadMs ?? 0) + 12, opts.offsetMinutes), rows };
}

export const ok = (atMs: number, identity: string, durationMs = 35): AppSample => ({ at: iso(atMs), status: 200, identity, durationMs });

export const pod = (atMs: number, restartCount = 0, uid = "5b0e2c1e-8f7a-4d1b-9a57-3c2f0e6d4b11"): PodSample => ({
  at: iso(atMs),
  name: "secure-test-app-7d9c6b5f4-x2k8q",
  uid,
  restartCount,
});

/** App samples every `interval` from T0 to T0 + window; the identity is the newest credential issued by then. */
export function appTimeline(window: number, interval: number, every = 15_000): AppSample[] {
  const out: AppSample[] = [];
  for (let t = T0 + 1_000; t <= T0 + window; t += interval) out.push(ok(t, cred(Math.floor((t - T0 - 100) / every), every).username));
  return out;
}

const TARGET = { host: "10.244.0.17", port: 5432, database: "postgres" };

export function login(user: string, credential: string, outcome: "accepted" | "rejected" | "refused" | "nopassword", atMs = T0): LoginAttempt {
  const base = { at: iso(atMs), user, ...TARGET, credential };
  const fail = (stderr: string): LoginAttempt => ({ ...base, exitCode: 2, stdout: "", stderr });
  switch (outcome) {
    case "accepted":
      return { ...base, exitCode: 0, stdout: `${user}\n`, stderr: "" };
    case "rejected":
      return fail(`psql: error: connection to server at "${TARGET.host}", port 5432 failed: FATAL:  password authentication failed for user "${user}"\n`);
    case "refused":
      return fail(`psql: error: connection to server at "${TARGET.host}", port 5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?\n`);
    case "nopassword":
      return fail(`psql: error: connection to server at "${TARGET.host}", port 5432 failed: fe_sendauth: no password supplied\n`);
  }
}

/** A whole D1–D4 record in which every claim passes: rotation, drops, a revocation and the logins. */
export function passingEvidence(): DynamicEvidence {
  const samples = appTimeline(50_000, 2_000);
  const creds = [0, 1, 2, 3].map((k) => cred(k));
  const pgRoles = [];
  for (let t = T0; t <= T0 + 150_000; t += 5_000) pgRoles.push(snapshot(t, creds.filter((c) => c.issueMs <= t && t < c.issueMs + 46_500)));
  const leases = creds.map((c) => lease(c, c.issueMs + 2_000));
  const now = T0 + 50_000;
  const last = samples[samples.length - 1];
  if (!last) throw new Error("no samples");
  const live = cred(5);
  return {
    params,
    appSamples: samples,
    podSamples: [pod(T0), pod(T0 + 51_000)],
    pgRoles,
    leases,
    d1: { sample: last, snapshot: snapshot(now, [creds[2], creds[3]].filter((c) => c !== undefined)), leases: creds.map((c) => lease(c, now)) },
    revocation: {
      username: live.username,
      leaseId: live.leaseId,
      before: snapshot(T0 + 95_000, [live]),
      loginBefore: login(live.username, "issued dynamic credential", "accepted"),
      revokedAt: new Date(T0 + 96_000).toISOString(),
      after: [snapshot(T0 + 96_200, [])],
      loginAfter: login(live.username, "issued dynamic credential", "rejected"),
    },
    logins: {
      bootstrap: login("postgres", "bootstrap admin password", "rejected"),
      wrongPassword: login("postgres", "random wrong password", "rejected"),
      valid: login(live.username, "fresh dynamic credential", "accepted"),
      rootUsername: "postgres",
    },
  };
}
