import { formatMs } from "../../clusters/duration.ts";
import { findRole } from "../claims/dynamic/login.ts";
import { parseTime } from "../claims/dynamic/time.ts";
import { roleOfLease } from "../claims/dynamic/passive.ts";
import type { LeaseRecord, PgRolesSnapshot } from "../claims/dynamic/types.ts";
import type { ClaimId } from "../claims/verdict.ts";
import type { VaultRole } from "./vault-reads.ts";
import { NO_LEASE_USERNAMES, type UsernameTemplate } from "./vault-username.ts";
import { workloadChanges, type WorkloadSample } from "./workload.ts";

/** What a read-only audit observes of the role's credentials over its window, in the dynamic family's record shapes. */
export interface PassiveDynamic {
  role: VaultRole;
  /** The role's leases looked up at the window's start and at its end. */
  leases: { start: LeaseRecord[]; end: LeaseRecord[] };
  /** pg_roles at the window's start and at its end. */
  pgRoles: { start: PgRolesSnapshot; end: PgRolesSnapshot };
  /** The workload's pods, sampled through the window. */
  pods: WorkloadSample[];
  params: { expiryToleranceMs: number; dropGraceMs: number };
  /** The connection's username template: which pg_roles roles are Vault's for the role. */
  usernames?: UsernameTemplate;
}

/** The audit cannot see which credential the app uses: only the app (over --attack's exec) reports its identity. */
export const NEEDS_IDENTITY = "needs the app's reported identity, which only --attack reads";

function d1(p: PassiveDynamic): string {
  const { end } = p.leases;
  const ttl = p.role.defaultTtlSec * 1000;
  const tol = p.params.expiryToleranceMs;
  const unmatched = end.filter((l) => !roleOfLease(l, p.pgRoles.end, tol)).map((l) => l.lookup.id);
  const offTtl = end.filter((l) => Math.abs((parseTime(l.lookup.expire_time) ?? Infinity) - (parseTime(l.lookup.issue_time) ?? 0) - ttl) > tol).map((l) => l.lookup.id);
  const parts = [`${p.role.path} has default_ttl ${formatMs(ttl)}, max_ttl ${formatMs(p.role.maxTtlSec * 1000)}`];
  if (!end.length) parts.push("no lease under it was live at the window's end");
  else {
    parts.push(`${end.length - unmatched.length} of ${end.length} live leases expire with a pg_roles role's VALID UNTIL (expire_time + Vault's 5s buffer, tolerance ${formatMs(tol)})`);
    if (unmatched.length) parts.push(`no role expires with ${unmatched.join(", ")}`);
    parts.push(offTtl.length ? `leases not living default_ttl: ${offTtl.join(", ")}` : "each lives default_ttl");
  }
  return `found: ${parts.join("; ")}; which of them the app uses ${NEEDS_IDENTITY}`;
}

function d2(p: PassiveDynamic): string {
  const before = new Set(p.leases.start.map((l) => l.lookup.id));
  const issued = p.leases.end.filter((l) => !before.has(l.lookup.id)).length;
  const first = p.pods[0];
  const last = p.pods.at(-1);
  const changes = first && last ? p.pods.slice(1).flatMap((s, i) => workloadChanges(p.pods[i] as WorkloadSample, s)) : [];
  const window = first && last ? `${first.at} … ${last.at}` : "no window";
  const pods = !first ? "the workload's pods were not sampled" : changes.length ? `the workload's pods changed: ${changes.join("; ")}` : `every workload pod kept its UID and restartCount over ${p.pods.length} samples`;
  return `found: Vault issued ${issued} new lease(s) under ${p.role.path.replace("/roles/", "/creds/")} in the window ${window}; ${pods}; that the app rotated to them without a restart ${NEEDS_IDENTITY}`;
}

/** Roles past VALID UNTIL by more than dropGrace at the window's end, among the roles the username template says are Vault's. */
function overdueRoles(p: PassiveDynamic): { lingering: string; scope: string } {
  const now = parseTime(p.pgRoles.end.pgNow) ?? 0;
  const u = p.usernames;
  const re = u?.pattern ? new RegExp(u.pattern) : undefined;
  const rows = p.pgRoles.end.rows;
  const candidates = re ? rows.filter((r) => re.test(r.rolname)) : rows;
  const overdue = candidates.filter((r) => {
    const vu = parseTime(r.rolvaliduntil);
    return vu !== undefined && Number.isFinite(vu) && now > vu + p.params.dropGraceMs;
  });
  const grace = formatMs(p.params.dropGraceMs);
  const lingering = overdue.length ? `roles past VALID UNTIL by more than ${grace} at ${p.pgRoles.end.pgNow}: ${overdue.map((r) => `${r.rolname} (${r.rolvaliduntil})`).join(", ")}` : `no role is past its VALID UNTIL by more than ${grace}`;
  if (!re || !u) return { lingering, scope: `among all ${rows.length} pg_roles roles: ${u?.limit ?? "the username template was not read"}, and ${NO_LEASE_USERNAMES}, so roles Vault did not issue may be listed` };
  // The roles that expire with a live lease are Vault's: one the pattern misses means the template read is not the one Vault used.
  const missed = p.leases.end.flatMap((l) => roleOfLease(l, p.pgRoles.end, p.params.expiryToleranceMs) ?? []).filter((r) => !re.test(r.rolname));
  const check = missed.length ? `; the template does NOT match ${missed.map((r) => r.rolname).join(", ")}, which expire with a live lease, so it is not the one Vault used` : "";
  return { lingering, scope: `among the ${candidates.length} of ${rows.length} pg_roles roles matching ${u.connection ?? "the connection"}'s username template (${u.source}); the other ${rows.length - candidates.length} are not Vault's for this role${check}` };
}

function d3(p: PassiveDynamic): string {
  const after = new Set(p.leases.end.map((l) => l.lookup.id));
  const ended = p.leases.start.filter((l) => !after.has(l.lookup.id));
  const tol = p.params.expiryToleranceMs;
  const fates = ended.map((l) => {
    const row = roleOfLease(l, p.pgRoles.start, tol);
    if (!row) return `lease ${l.lookup.id} ended; no role expired with it at the start`;
    return findRole(p.pgRoles.end, row.rolname) ? `${row.rolname} (lease ${l.lookup.id} ended) is still in pg_roles at ${p.pgRoles.end.pgNow}, VALID UNTIL ${row.rolvaliduntil}` : `${row.rolname} is gone with its lease ${l.lookup.id}`;
  });
  const { lingering, scope } = overdueRoles(p);
  const leases = ended.length ? `${ended.length} lease(s) ended in the window: ${fates.join("; ")}` : "no lease ended in the window";
  return `found: ${leases}; ${lingering} (${scope}); that the app's own identities are dropped ${NEEDS_IDENTITY}`;
}

/** What the audit found for D1, D2 and D3, each stated with what only --attack can add. Pure. */
export function passiveDynamicFindings(p: PassiveDynamic): Partial<Record<ClaimId, string>> {
  return { D1: d1(p), D2: d2(p), D3: d3(p) };
}
