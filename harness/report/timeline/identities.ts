import { matchLeases } from "../../claims/dynamic/expiry.ts";
import { byTime, findRole } from "../../claims/dynamic/login.ts";
import { parseTime, vaultClockOffset } from "../../claims/dynamic/time.ts";
import type { DynamicEvidence } from "../../claims/dynamic/evidence.ts";
import type { LeaseRecord, PgRolesSnapshot } from "../../claims/dynamic/types.ts";

/** One DB identity's life as the bundle shows it, on the harness's clock (epoch ms). */
export interface IdentityLane {
  identity: string;
  /** Its first sighting: an app answer naming it, or a pg_roles snapshot listing it. */
  fromMs: number;
  /** The first snapshot after its last sighting that no longer lists it. */
  droppedMs?: number;
  /** Its lease's expiry (Vault's expire_time moved onto the harness's clock), else its VALID UNTIL. */
  expiryMs?: number;
  expiryBasis?: "lease expire_time" | "VALID UNTIL";
  /** When the suite revoked its lease (D3's revocation trial). */
  revokedMs?: number;
}

/** A sighting of an identity by the app: when, and the name it reported. */
export interface Sighting {
  ms: number;
  identity: string;
}

const at = (s: { at: string }) => Date.parse(s.at);

function expiryOf(identity: string, first: PgRolesSnapshot | undefined, leases: readonly LeaseRecord[], offsetMs: number, tolMs: number): Pick<IdentityLane, "expiryMs" | "expiryBasis"> {
  const row = first ? findRole(first, identity) : undefined;
  const validUntil = parseTime(row?.rolvaliduntil);
  if (validUntil === undefined || !Number.isFinite(validUntil)) return {};
  // the same lease may be looked up more than once (the window's lookups and D1's): one lease, however often seen
  const found = matchLeases(validUntil, identity, leases, tolMs);
  const one = found[0];
  if (one && found.every((c) => c.lease.lookup.id === one.lease.lookup.id)) return { expiryMs: one.expire - offsetMs, expiryBasis: "lease expire_time" };
  return { expiryMs: validUntil - offsetMs, expiryBasis: "VALID UNTIL" };
}

/**
 * One lane per identity the app reported (or the revocation trial issued), in
 * order of first sighting: from then to the first pg_roles snapshot, after
 * its last sighting, that no longer lists it. Lease expiry is read as D1 and
 * D3 read it: the lease whose expiry is the role's VALID UNTIL, with Vault's
 * clock offset from the lease lookups.
 */
export function identityLanes(ev: DynamicEvidence | undefined, probes: readonly Sighting[]): IdentityLane[] {
  const sightings: Sighting[] = [...probes];
  for (const s of ev?.appSamples ?? []) if (s.status === 200 && s.identity) sightings.push({ ms: at(s), identity: s.identity });
  const snaps = byTime([...(ev?.pgRoles ?? []), ...(ev?.revocation ? [ev.revocation.before, ...ev.revocation.after] : [])]);
  const leases = [...(ev?.leases ?? []), ...(ev?.d1?.leases ?? [])];
  const offsetMs = vaultClockOffset(leases).offsetMs;
  const names = [...new Set([...[...sightings].sort((a, b) => a.ms - b.ms).map((s) => s.identity), ...(ev?.revocation ? [ev.revocation.username] : [])])];
  return names.map((identity) => {
    const seen = sightings.filter((s) => s.identity === identity).map((s) => s.ms);
    const present = snaps.filter((s) => findRole(s, identity));
    const times = [...seen, ...present.map(at)];
    const fromMs = Math.min(...times);
    const lastMs = Math.max(...times);
    const gone = snaps.find((s) => at(s) > lastMs && !findRole(s, identity));
    const revokedMs = ev?.revocation?.username === identity ? parseTime(ev.revocation.revokedAt) : undefined;
    return {
      identity,
      fromMs: Number.isFinite(fromMs) ? fromMs : (revokedMs ?? 0),
      ...(gone && present.length ? { droppedMs: at(gone) } : {}),
      ...expiryOf(identity, present[0], leases, offsetMs, ev?.params.expiryToleranceMs ?? 0),
      ...(revokedMs !== undefined ? { revokedMs } : {}),
    };
  });
}
