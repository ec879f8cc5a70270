import { formatMs } from "../../../clusters/duration.ts";
import { VAULT_EXPIRATION_BUFFER_MS } from "../../vault/expiration.ts";
import { byTime, findRole } from "./login.ts";
import { revocationProblems } from "./lingering.ts";
import { identitySequence } from "./serving.ts";
import { parseTime, signed, usernameUnixTime, vaultClockOffset } from "./time.ts";
import type { AppSample, DynamicParams, LeaseRecord, LingeringEvidence, PgRoleRow, PgRolesSnapshot } from "./types.ts";
import { verdict, worst, type Verdict, type VerdictValue } from "../verdict.ts";

export interface D3Input {
  /** Every app sample taken; each identity they report must end up dropped. */
  samples: AppSample[];
  /** pg_roles over time: during the observation window and after it, until every identity is gone. */
  snapshots: PgRolesSnapshot[];
  /** Lease lookups, to read Vault's clock against the harness's. */
  leases: LeaseRecord[];
  params: DynamicParams;
  /** What Vault said about the roles that outlived their deadline, gathered when D3 did not pass. */
  lingering?: LingeringEvidence;
}

interface Fate {
  value: VerdictValue;
  reason: string;
}

/** When the role's VALID UNTIL is, on Vault's clock: from pg_roles, else from the unix time in its name. */
function validUntilOf(identity: string, present: PgRolesSnapshot[], ttlMs: number): { ms?: number; from: string } {
  const row = present[0] ? findRole(present[0], identity) : undefined;
  if (row) return { ms: parseTime(row.rolvaliduntil), from: `VALID UNTIL ${row.rolvaliduntil}` };
  const unix = usernameUnixTime(identity);
  if (unix === undefined) return { from: "no pg_roles row and no time in its name" };
  return { ms: (unix + 1) * 1000 + ttlMs + VAULT_EXPIRATION_BUFFER_MS, from: "expiry estimated from the time in its name" };
}

const at = (s: PgRolesSnapshot) => Date.parse(s.at);

interface Deadline {
  vu: { ms?: number; from: string };
  /** Snapshots listing the identity. */
  present: PgRolesSnapshot[];
  /** Its lease's expiry on the harness's clock, when known. */
  expiresAt?: number;
  /** Snapshots listing it past expiresAt + grace. */
  lingering: PgRolesSnapshot[];
}

function deadlineOf(identity: string, snaps: PgRolesSnapshot[], offsetMs: number, p: DynamicParams): Deadline {
  const present = snaps.filter((s) => findRole(s, identity));
  const vu = validUntilOf(identity, present, p.defaultTtlMs);
  if (vu.ms === undefined || !Number.isFinite(vu.ms)) return { vu, present, lingering: [] };
  const expiresAt = vu.ms - offsetMs;
  return { vu, present, expiresAt, lingering: present.filter((s) => at(s) > expiresAt + p.dropGraceMs) };
}

function fateOf(identity: string, lastSeenMs: number, snaps: PgRolesSnapshot[], offsetMs: number, p: DynamicParams): Fate {
  const { vu, present, expiresAt, lingering } = deadlineOf(identity, snaps, offsetMs, p);
  if (expiresAt === undefined) return { value: "fail", reason: `${identity}: no hard expiry (${vu.from})` };
  if (lingering[0]) {
    const over = formatMs(at(lingering[0]) - expiresAt);
    return { value: "fail", reason: `${identity}: still in pg_roles at ${lingering[0].at}, ${over} after its ${vu.from} (grace ${formatMs(p.dropGraceMs)})` };
  }
  const lastPresent = present[present.length - 1];
  const from = Math.max(lastSeenMs, lastPresent ? at(lastPresent) : Number.NEGATIVE_INFINITY);
  const gone = snaps.find((s) => at(s) > from && !findRole(s, identity));
  const firstPresent = present[0];
  if (firstPresent && snaps.some((s) => at(s) > at(firstPresent) && at(s) < from && !findRole(s, identity))) {
    return { value: "inconclusive", reason: `${identity}: vanished from pg_roles and came back; the snapshots cannot be trusted` };
  }
  if (!gone) {
    const last = snaps[snaps.length - 1];
    return { value: "inconclusive", reason: `${identity}: still present when observation ended at ${last?.at ?? "?"}, before its deadline (${vu.from} + grace)` };
  }
  const when = `${signed(at(gone) - expiresAt)} relative to its ${vu.from}`;
  if (!lastPresent) return { value: "pass", reason: `${identity}: absent from every snapshot after the app reported it; gone at ${gone.at} (${when})` };
  return { value: "pass", reason: `${identity}: in pg_roles until ${lastPresent.at}, gone at ${gone.at} (${when})` };
}

/** The negative control: a role made in Postgres, outside Vault, is in every snapshot. */
function controlCheck(snaps: PgRolesSnapshot[], control: string): { verdict: VerdictValue; reasons: string[] } {
  const missing = snaps.filter((s) => !findRole(s, control));
  if (missing.length > 0) {
    return { verdict: "fail", reasons: [`control role ${control} missing from ${missing.length} of ${snaps.length} snapshots (first at ${missing[0]?.at}): the query cannot show absence`] };
  }
  const last = snaps[snaps.length - 1] as PgRolesSnapshot;
  const row = findRole(last, control);
  const vu = parseTime(row?.rolvaliduntil);
  const expired = vu !== undefined && vu < (parseTime(last.pgNow) ?? Number.NEGATIVE_INFINITY);
  const note = expired ? `, although its VALID UNTIL ${row?.rolvaliduntil} had passed by Postgres's clock` : "";
  return { verdict: "pass", reasons: [`control role ${control}, created outside Vault, is in all ${snaps.length} snapshots${note}`] };
}

/** Each identity's last report by the app (harness clock). */
function lastSeen(samples: AppSample[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of samples) if (s.status === 200 && s.identity) m.set(s.identity, Math.max(m.get(s.identity) ?? 0, Date.parse(s.at)));
  return m;
}

/** An app identity some snapshot showed past its lease's expiry + grace. */
export interface Overdue {
  /** Its row in the first snapshot that showed it overdue. */
  row: PgRoleRow;
  /** The first later snapshot that no longer lists it, if any: Vault dropped it, late. */
  leftAt?: string;
}

/** Every app identity some snapshot shows past its VALID UNTIL + grace, whether or not a later snapshot shows it gone. */
export function overdueRoles(input: Omit<D3Input, "lingering">): Overdue[] {
  const snaps = byTime(input.snapshots);
  const offsetMs = vaultClockOffset(input.leases).offsetMs;
  return identitySequence(byTime(input.samples)).identities.flatMap((id) => {
    const { lingering } = deadlineOf(id, snaps, offsetMs, input.params);
    const first = lingering[0];
    const last = lingering.at(-1);
    const row = first && findRole(first, id);
    if (!row || !last) return [];
    const gone = snaps.find((s) => at(s) > at(last) && !findRole(s, id));
    return [{ row, ...(gone ? { leftAt: gone.at } : {}) }];
  });
}

/**
 * The rows whose fate Vault must explain when D3 does not pass: every app
 * identity that outlived its deadline in any snapshot, and, when the drop
 * wait ran out, every app identity its last snapshot (`stillListed`) lists.
 */
export function rolesToExplain(input: Omit<D3Input, "lingering">, stillListed?: PgRolesSnapshot): PgRoleRow[] {
  const rows = new Map(overdueRoles(input).map((o) => [o.row.rolname, o.row]));
  const ids = new Set(identitySequence(input.samples).identities);
  for (const r of stillListed?.rows ?? []) if (ids.has(r.rolname) && !rows.has(r.rolname)) rows.set(r.rolname, r);
  return [...rows.values()];
}

/**
 * D3 (expiry): every identity the app reported is gone from pg_roles after
 * its lease's TTL, within the grace; the control role made outside Vault
 * stays, so absence is the roles' and not the query's. When it does not
 * pass and the suite gathered what Vault says about the lingering roles,
 * that diagnosis leads the reasons.
 */
export function judgeD3Expiry(input: D3Input, evidence: string[]): Verdict {
  const snaps = byTime(input.snapshots);
  const { identities } = identitySequence(byTime(input.samples));
  if (snaps.length === 0 || identities.length === 0) {
    return verdict("D3", "inconclusive", [`${snaps.length} pg_roles snapshots, ${identities.length} identities: nothing to judge`], evidence, { subject: "ttl-expiry" });
  }
  const control = controlCheck(snaps, input.params.controlRole);
  const clock = vaultClockOffset(input.leases);
  const seen = lastSeen(input.samples);
  const fates = identities.map((id) => fateOf(id, seen.get(id) ?? 0, snaps, clock.offsetMs, input.params));
  const reasons = [clock.basis, ...fates.map((f) => f.reason)];
  let value = worst(fates.map((f) => f.value));
  if (!identities.some((id) => snaps.some((s) => findRole(s, id)))) {
    reasons.push("no snapshot ever showed an app identity, so their absence proves nothing");
    if (value === "pass") value = "inconclusive";
  }
  if (control.verdict !== "pass" && value === "pass") value = "inconclusive";
  // Vault's own account of the lingering roles comes first: it names the upstream step that failed.
  if (value !== "pass" && input.lingering) {
    const leftAt = new Map(overdueRoles(input).flatMap((o) => (o.leftAt ? [[o.row.rolname, o.leftAt] as const] : [])));
    reasons.unshift(...revocationProblems(input.lingering, input.params, { windowLeases: input.leases, leftAt }));
  }
  return verdict("D3", value === "inconclusive" ? "inconclusive" : value === "pass", reasons, evidence, {
    subject: "ttl-expiry",
    negativeControl: control,
  });
}
