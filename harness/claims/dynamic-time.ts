import { formatMs } from "../core/duration.ts";
import type { LeaseRecord } from "./dynamic-types.ts";

/**
 * Vault sets a dynamic role's VALID UNTIL to the time of issue plus the TTL
 * plus this buffer, so the database credential outlives its lease
 * (hashicorp/vault builtin/logical/database/path_creds_create.go). The lease
 * itself expires at issue_time + TTL.
 */
export const VAULT_EXPIRATION_BUFFER_MS = 5_000;

/**
 * Milliseconds since the epoch for a timestamp as Vault or Postgres prints it
 * (RFC 3339 with up to nanoseconds, or Postgres's "infinity"). Undefined when
 * absent or unreadable.
 */
export function parseTime(s: string | null | undefined): number | undefined {
  if (s === null || s === undefined) return undefined;
  if (s === "infinity") return Number.POSITIVE_INFINITY;
  if (s === "-infinity") return Number.NEGATIVE_INFINITY;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A signed duration for reasons: "+4.6s", "-1.2s". */
export function signed(ms: number): string {
  return `${ms < 0 ? "-" : "+"}${formatMs(Math.abs(ms))}`;
}

/**
 * The unix time Vault's default username template appends to a dynamic
 * role's name (`v-<display>-<role>-<random20>-<unix_time>`), or undefined.
 */
export function usernameUnixTime(username: string): number | undefined {
  const m = /-(\d{9,11})$/.exec(username);
  return m ? Number(m[1]) : undefined;
}

/** Median of a non-empty list. */
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export interface ClockOffset {
  /** Vault's clock minus the harness's clock. */
  offsetMs: number;
  /** How the offset was obtained. */
  basis: string;
}

/**
 * Vault's clock relative to the harness's, from lease lookups: when Vault
 * answered, its clock read expire_time minus the remaining ttl (which Vault
 * truncates to whole seconds, hence the half-second midpoint). With no usable
 * lookup the clocks are assumed equal, and the basis says so.
 */
export function vaultClockOffset(leases: readonly LeaseRecord[]): ClockOffset {
  const offsets: number[] = [];
  for (const l of leases) {
    const expire = parseTime(l.lookup.expire_time);
    const at = parseTime(l.at);
    if (expire === undefined || at === undefined || !Number.isFinite(expire)) continue;
    offsets.push(expire - (l.lookup.ttl + 0.5) * 1000 - at);
  }
  if (offsets.length === 0) return { offsetMs: 0, basis: "no lease lookup to compare clocks with; Vault's clock assumed equal to the harness's" };
  const offsetMs = median(offsets);
  return { offsetMs, basis: `Vault's clock is ${signed(offsetMs)} from the harness's (median of ${offsets.length} lease lookups)` };
}
