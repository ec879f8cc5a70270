import { formatMs } from "../../../clusters/duration.ts";
import { matchLeases, type Candidate } from "./expiry.ts";
import { parseTime } from "./time.ts";
import type { DynamicParams, IrrevocableLease, LeaseRecord, LingeringEvidence, PgRoleRow, Unreadable } from "./types.ts";
import { revokeFailures, type RevokeFailure } from "../../vault/revoke-log.ts";

/**
 * Why Vault has not dropped a role whose lease has expired. When its expiry
 * timer fires, Vault revokes the lease (the database plugin runs the role's
 * revocation statements) and deletes it, after which a lookup answers
 * "invalid lease". When revocation fails Vault keeps the lease and makes
 * attempt n+1 (1<<n)·10s ±50% after attempt n; after maxRevokeAttempts (6) attempts, or
 * at once for an unrecoverable error, it marks the lease irrevocable, keeps
 * the error, and stops trying (hashicorp/vault vault/expiration.go:54-58,
 * :270-339, :2819-2847 at 6fd972499f). Irrevocable leases are listed by
 * GET sys/leases?type=irrevocable (vault/logical_system_paths.go:3696-3724,
 * logical_system.go:446-473).
 */
const VAULT_MAX_REVOKE_ATTEMPTS = 6;
const RETRIES =
  `retried, attempt n+1 coming (1<<n)·10s ±50% after attempt n, until ${VAULT_MAX_REVOKE_ATTEMPTS} failed attempts make it irrevocable ` +
  "(hashicorp/vault vault/expiration.go:54-58, :270-339)";

const unreadable = <T>(x: T | Unreadable): x is Unreadable => typeof x === "object" && x !== null && "unreadable" in x;

function loggedError(log: LingeringEvidence["vaultLog"], leaseId: string): string {
  if (unreadable(log)) return `Vault's log could not be read (${log.unreadable})`;
  const last: RevokeFailure | undefined = revokeFailures(log).filter((f) => f.leaseId === leaseId).at(-1);
  if (!last) return `Vault's log reports no failed attempt for it (${log.length} "failed to revoke lease" lines kept)`;
  const when = [last.attempts === undefined ? "" : `attempt ${last.attempts}`, last.at ? `logged ${last.at}` : ""].filter(Boolean).join(", ");
  return `Vault's error${when ? ` (${when})` : ""}: ${last.error}`;
}

function leaseProblem(role: string, c: Candidate, others: number, e: LingeringEvidence): string {
  const id = c.lease.lookup.id;
  const which = `lease ${id} (${role}${others > 0 ? `, one of ${others + 1} leases expiring with it` : ""})`;
  const irrevocable: IrrevocableLease | undefined = unreadable(e.irrevocable) ? undefined : e.irrevocable.leases.find((l) => l.lease_id === id);
  if (irrevocable) {
    return (
      `Vault gave up revoking ${which} and marked it irrevocable, after ${VAULT_MAX_REVOKE_ATTEMPTS} failed attempts or at once for an unrecoverable error ` +
      `(hashicorp/vault vault/expiration.go:270-304); Vault's error: ${irrevocable.error}`
    );
  }
  const ttl = c.lease.lookup.ttl;
  if (ttl > 0) {
    return `Vault still holds ${which} with ${ttl}s left by Vault's own clock at ${c.lease.at}: it has not expired, so the judge's reading of Vault's clock is off`;
  }
  const irr = unreadable(e.irrevocable) ? ` (the irrevocable list could not be read: ${e.irrevocable.unreadable})` : "";
  return (
    `Vault still holds ${which} ${-ttl}s after its expire_time ${c.lease.lookup.expire_time} by Vault's own clock: ` +
    `its revocation is failing and being ${RETRIES}${irr}; ${loggedError(e.vaultLog, id)}`
  );
}

/** What the judge knows besides Vault's answers: the window's lease lookups, and when each overdue role left pg_roles. */
export interface LingeringContext {
  /** Lease lookups made during the observation window, before Vault deleted any of them. */
  windowLeases: readonly LeaseRecord[];
  /** Role name to the first snapshot that no longer listed it, for roles that left after their deadline. */
  leftAt: ReadonlyMap<string, string>;
}

/** A role dropped after its deadline: Vault revoked its lease late, after failed attempts its log may name. */
function lateProblem(row: PgRoleRow, validUntil: number, leftAt: string, e: LingeringEvidence, p: DynamicParams, ctx: LingeringContext): string {
  const first = matchLeases(validUntil, row.rolname, ctx.windowLeases, p.expiryToleranceMs)[0];
  const which = first ? `lease ${first.lease.lookup.id}` : "its lease";
  const log = first
    ? loggedError(e.vaultLog, first.lease.lookup.id)
    : `no lease looked up during the window expires with it, so Vault's log cannot be tied to it (${unreadable(e.vaultLog) ? e.vaultLog.unreadable : `${e.vaultLog.length} "failed to revoke lease" lines kept`})`;
  return (
    `${row.rolname} outlived its VALID UNTIL ${row.rolvaliduntil} + grace ${formatMs(p.dropGraceMs)} and left pg_roles only by ${leftAt}: ` +
    `Vault revoked ${which} late (a failed revocation is ${RETRIES}); ${log}`
  );
}

function roleProblem(row: PgRoleRow, leases: readonly LeaseRecord[], e: LingeringEvidence, p: DynamicParams, ctx?: LingeringContext): string | undefined {
  const validUntil = parseTime(row.rolvaliduntil);
  if (validUntil === undefined || !Number.isFinite(validUntil)) return undefined;
  const found = matchLeases(validUntil, row.rolname, leases, p.expiryToleranceMs);
  const first = found[0];
  if (first) return leaseProblem(row.rolname, first, found.length - 1, e);
  const leftAt = ctx?.leftAt.get(row.rolname);
  if (ctx && leftAt) return lateProblem(row, validUntil, leftAt, e, p, ctx);
  return (
    `Vault holds no lease that expires with ${row.rolname} (VALID UNTIL ${row.rolvaliduntil}; ${leases.length} leases under ` +
    `database/creds/${p.roleName}/ looked up at ${e.at}, tolerance ${formatMs(p.expiryToleranceMs)}): Vault revoked its lease, or never held one, ` +
    `yet the role is still in pg_roles, so the role's revocation statements did not drop it`
  );
}

/**
 * For each app identity that outlived its deadline, what Vault says about
 * its lease: held past its expiry (revocation failing and being retried,
 * with the error Vault logged), marked irrevocable (with the error Vault
 * kept), revoked late (the role left pg_roles after its deadline: the error
 * Vault logged for the lease the window looked up), or gone while the role
 * stays (the revocation statements left it). Roles with no hard expiry are
 * left to the D3 judge.
 */
export function revocationProblems(e: LingeringEvidence, p: DynamicParams, ctx?: LingeringContext): string[] {
  if (e.roles.length === 0) return [];
  if (unreadable(e.leases)) {
    const names = e.roles.map((r) => r.rolname).join(", ");
    return [`could not look up Vault's leases under database/creds/${p.roleName}/ to tell why ${names} outlived their leases: ${e.leases.unreadable}`];
  }
  const leases = e.leases;
  return e.roles.flatMap((r) => roleProblem(r, leases, e, p, ctx) ?? []);
}
