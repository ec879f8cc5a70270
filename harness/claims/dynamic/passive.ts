import { formatMs } from "../../../clusters/duration.ts";
import { verdict, type Verdict } from "../verdict.ts";
import { matchLeases } from "./expiry.ts";
import { parseTime } from "./time.ts";
import type { LeaseRecord, PgRoleRow, PgRolesSnapshot } from "./types.ts";

/**
 * D1 and D3 from what a read-only audit observes of every credential the
 * target's Vault role issued: its leases and pg_roles at the window's start
 * and end, with no app identity. The target names the app's role, so the
 * app's credentials are among those judged; that the app used them is not
 * observed. D2 needs the identity the app reports and stays inconclusive. Pure.
 */

/** Recorded in the evidence: `verify` re-judges a bundle with the judge it names. */
export const PASSIVE_JUDGE = "dynamic-passive";

/** The observation, as the audit records it (harness/audit/dynamic-passive.ts PassiveDynamic). */
export interface PassiveObservation {
  role: { path: string; defaultTtlSec: number };
  leases: { start: LeaseRecord[]; end: LeaseRecord[] };
  pgRoles: { start: PgRolesSnapshot; end: PgRolesSnapshot };
  params: { expiryToleranceMs: number; dropGraceMs: number };
  /** The connection's username template; `pattern` is absent when it was not read or is not handled. */
  usernames?: { connection?: string; source: string; pattern?: string; limit?: string };
}

export interface DynamicPassiveEvidence {
  judge: typeof PASSIVE_JUDGE;
  observation: PassiveObservation;
  /** What the audit found for D2, its reason for staying inconclusive. */
  d2Finding?: string;
  evidence?: string[];
}

export const D2_NEEDS_IDENTITY = "which lease the app uses needs the app's reported identity, which a read-only audit does not read";

const finite = (s: string | null | undefined): number | undefined => {
  const t = parseTime(s);
  return t !== undefined && Number.isFinite(t) ? t : undefined;
};

/** The pg_roles row whose VALID UNTIL is the lease's expiry (matchLeases, the judge D1 uses), if exactly one; among the template's names when given. */
export function roleOfLease(lease: LeaseRecord, snap: PgRolesSnapshot, tolMs: number, pattern?: string): PgRoleRow | undefined {
  const re = pattern ? new RegExp(pattern) : undefined;
  const rows = snap.rows.filter((r) => {
    const vu = finite(r.rolvaliduntil);
    return (!re || re.test(r.rolname)) && vu !== undefined && matchLeases(vu, r.rolname, [lease], tolMs).length === 1;
  });
  return rows.length === 1 ? rows[0] : undefined;
}

/** D1: every lease live at the window's end has its one role expiring with it, and lives default_ttl. */
export function judgeD1Passive(o: PassiveObservation, evidence: string[]): Verdict {
  const { end } = o.leases;
  const tol = o.params.expiryToleranceMs;
  const ttl = o.role.defaultTtlSec * 1000;
  const creds = o.role.path.replace("/roles/", "/creds/");
  const scope = o.usernames?.pattern ? `among the roles matching the username template (${o.usernames.source})` : "among all pg_roles roles (the username template was not read)";
  if (!end.length) return verdict("D1", "inconclusive", [`no lease under ${creds}/ was live at the window's end (${o.pgRoles.end.pgNow}): no credential to judge`], evidence);
  const problems = end.flatMap((l) => {
    const out: string[] = [];
    if (!roleOfLease(l, o.pgRoles.end, tol, o.usernames?.pattern)) out.push(`lease ${l.lookup.id} (expires ${l.lookup.expire_time}): no single pg_roles role ${scope} has VALID UNTIL its expiry + Vault's 5s buffer within ${formatMs(tol)}`);
    const life = (finite(l.lookup.expire_time) ?? Infinity) - (finite(l.lookup.issue_time) ?? -Infinity);
    if (!(Math.abs(life - ttl) <= tol)) out.push(`lease ${l.lookup.id} lives ${Number.isFinite(life) ? formatMs(life) : "an unknown time"} (issued ${l.lookup.issue_time}, expires ${l.lookup.expire_time}), not default_ttl ${formatMs(ttl)} within ${formatMs(tol)}`);
    return out;
  });
  if (problems.length) return verdict("D1", false, [`${problems.length} problem(s) among the ${end.length} lease(s) under ${creds}/ live at the window's end:`, ...problems], evidence);
  const roles = end.map((l) => `${roleOfLease(l, o.pgRoles.end, tol, o.usernames?.pattern)?.rolname ?? "?"} (lease ${l.lookup.id})`);
  return verdict(
    "D1",
    true,
    [
      `each of the ${end.length} lease(s) under ${creds}/ live at the window's end has exactly one pg_roles role ${scope} whose VALID UNTIL is its expiry (tolerance ${formatMs(tol)}) and lives default_ttl ${formatMs(ttl)}: ${roles.join(", ")}`,
      "the app's credentials are among them because the target names the app's role; that the app used them is not observed",
    ],
    evidence,
  );
}

/** D3 (TTL expiry): no role Vault issued for the role is past its VALID UNTIL by more than dropGrace at the window's end. */
export function judgeD3Passive(o: PassiveObservation, evidence: string[]): Verdict {
  const subject = { subject: "ttl-expiry" };
  const end = o.pgRoles.end;
  const pattern = o.usernames?.pattern;
  if (!pattern) {
    const why = o.usernames?.limit ?? "the username template was not read";
    return verdict("D3", "inconclusive", [`${why}: roles Vault did not issue may be among the ${end.rows.length} pg_roles roles, so a role past its VALID UNTIL cannot be called Vault's to drop`], evidence, subject);
  }
  const now = finite(end.pgNow);
  if (now === undefined) return verdict("D3", "inconclusive", [`pg_roles at the window's end carries no readable now() (${end.pgNow})`], evidence, subject);
  const re = new RegExp(pattern);
  const vaults = end.rows.filter((r) => re.test(r.rolname));
  const grace = o.params.dropGraceMs;
  const overdue = vaults.filter((r) => {
    const vu = finite(r.rolvaliduntil);
    return vu !== undefined && now > vu + grace;
  });
  const missed = o.leases.end.flatMap((l) => roleOfLease(l, end, o.params.expiryToleranceMs) ?? []).filter((r) => !re.test(r.rolname));
  if (missed.length) return verdict("D3", "inconclusive", [`the username template read (${o.usernames?.source ?? "?"}) does not match ${missed.map((r) => r.rolname).join(", ")}, which expire with a live lease: it is not the one Vault used, so which roles are Vault's is not known`], evidence, subject);
  const scope = `${vaults.length} of ${end.rows.length} pg_roles roles match ${o.usernames?.connection ?? "the connection"}'s username template (${o.usernames?.source ?? "?"})`;
  if (overdue.length) {
    return verdict("D3", false, [`${overdue.length} role(s) Vault issued are past VALID UNTIL by more than dropGrace ${formatMs(grace)} at ${end.pgNow} (${scope}):`, ...overdue.map((r) => `${r.rolname} (VALID UNTIL ${r.rolvaliduntil})`)], evidence, subject);
  }
  return verdict("D3", true, [`no role Vault issued is past its VALID UNTIL by more than dropGrace ${formatMs(grace)} at ${end.pgNow} (${scope}); the app's are among them because the target names the app's role`], evidence, subject);
}

/** D1, D2 (inconclusive: needs the app's identity) and D3 from a passive observation. */
export function judgeDynamicPassive(e: DynamicPassiveEvidence): Verdict[] {
  const ev = e.evidence ?? [];
  return [judgeD1Passive(e.observation, ev), verdict("D2", "inconclusive", [e.d2Finding ?? D2_NEEDS_IDENTITY], ev), judgeD3Passive(e.observation, ev)];
}
