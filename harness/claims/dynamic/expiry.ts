import { formatMs } from "../../../clusters/duration.ts";
import { findRole } from "./login.ts";
import { VAULT_EXPIRATION_BUFFER_MS } from "../../vault/expiration.ts";
import { parseTime, signed, usernameUnixTime } from "./time.ts";
import type { AppSample, DynamicParams, LeaseRecord, PgRolesSnapshot } from "./types.ts";
import { verdict, type Verdict } from "../verdict.ts";

export interface D1Input {
  /** The app sample whose identity is judged (the latest 200 before the snapshot). */
  sample: AppSample;
  snapshot: PgRolesSnapshot;
  /** Every lease under database/creds/<role>/, looked up right after the snapshot. */
  leases: LeaseRecord[];
  params: DynamicParams;
}

export interface Candidate {
  lease: LeaseRecord;
  expire: number;
  issue: number;
  /** rolvaliduntil minus (expire_time + Vault's buffer). */
  skewMs: number;
}

/**
 * The leases whose expiry is the role's VALID UNTIL. Both times come from
 * Vault's clock (Vault computes the expiration it writes into CREATE ROLE and
 * the lease's expire_time), so a skew between Vault and Postgres cannot move
 * them apart. Several candidates are narrowed by the unix time in the name.
 */
export function matchLeases(validUntil: number, username: string, leases: readonly LeaseRecord[], tolMs: number): Candidate[] {
  const all: Candidate[] = [];
  for (const lease of leases) {
    const expire = parseTime(lease.lookup.expire_time);
    const issue = parseTime(lease.lookup.issue_time);
    if (expire === undefined || issue === undefined || !Number.isFinite(expire)) continue;
    const skewMs = validUntil - (expire + VAULT_EXPIRATION_BUFFER_MS);
    if (Math.abs(skewMs) <= tolMs) all.push({ lease, expire, issue, skewMs });
  }
  const unix = usernameUnixTime(username);
  if (all.length <= 1 || unix === undefined) return all;
  const near = all.filter((c) => Math.abs(Math.floor(c.issue / 1000) - unix) <= 1);
  return near.length > 0 ? near : all;
}

/**
 * D1: the role the app is using right now exists in pg_roles with a finite
 * VALID UNTIL, and a Vault lease under the role's creds path expires with it;
 * that lease's lifetime is the role's default_ttl.
 */
export function judgeD1(input: D1Input, evidence: string[]): Verdict {
  const { sample, snapshot, leases, params } = input;
  const tol = params.expiryToleranceMs;
  const name = sample.identity;
  if (sample.status !== 200 || !name) {
    return verdict("D1", "inconclusive", [`the app sample at ${sample.at} carries no identity (status ${sample.status})`], evidence);
  }
  const fail = (why: string) => verdict("D1", false, [why], evidence, { subject: name });
  const row = findRole(snapshot, name);
  if (!row) return fail(`${name}, the app's current user, is not in pg_roles at ${snapshot.pgNow} (${snapshot.rows.length} roles listed)`);
  if (!row.rolcanlogin) return fail(`${name} exists but cannot log in`);
  const validUntil = parseTime(row.rolvaliduntil);
  if (validUntil === undefined || !Number.isFinite(validUntil)) {
    return fail(`${name} has no hard expiry: rolvaliduntil is ${JSON.stringify(row.rolvaliduntil)}`);
  }
  const found = matchLeases(validUntil, name, leases, tol);
  if (found.length === 0) {
    return fail(
      `no lease under database/creds/${params.roleName}/ expires with ${name} (VALID UNTIL ${row.rolvaliduntil}; ` +
        `${leases.length} leases looked up, tolerance ${formatMs(tol)})`,
    );
  }
  if (found.length > 1) {
    const ids = found.map((c) => c.lease.lookup.id).join(", ");
    return verdict("D1", "inconclusive", [`${found.length} leases expire with ${name}; cannot tell which is the app's: ${ids}`], evidence, {
      subject: name,
    });
  }
  const c = found[0] as Candidate;
  const lifetime = c.expire - c.issue;
  const reasons = [
    `${name} is in pg_roles, can log in, VALID UNTIL ${row.rolvaliduntil}`,
    `lease ${c.lease.lookup.id} issued ${c.lease.lookup.issue_time}, expires ${c.lease.lookup.expire_time}`,
    `rolvaliduntil − (expire_time + Vault's 5s buffer) = ${signed(c.skewMs)} (tolerance ${formatMs(tol)})`,
  ];
  if (Math.abs(lifetime - params.defaultTtlMs) > tol) {
    return verdict("D1", false, [...reasons, `the lease lives ${formatMs(lifetime)}, not the role's default_ttl ${formatMs(params.defaultTtlMs)}`], evidence, {
      subject: name,
    });
  }
  reasons.push(`the lease lives ${formatMs(lifetime)} (default_ttl ${formatMs(params.defaultTtlMs)})`);
  return verdict("D1", true, reasons, evidence, { subject: name });
}
