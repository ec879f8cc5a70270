import { formatMs } from "../../../clusters/duration.ts";
import type { LeaseRecord } from "./types.ts";

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
  /** Vault's clock minus the harness's. */
  offsetMs: number;
  /** How the offset was obtained. */
  basis: string;
}

/**
 * Where Vault's clock stood when it answered a lease lookup. Vault computes
 * the remaining ttl as int64(ExpireTime.Sub(time.Now().Round(time.Second)).Seconds())
 * (hashicorp/vault vault/expiration.go:3082-3084 at 6fd972499f): its clock
 * rounded to the nearest second R, the difference converted toward zero. As
 * expire_time carries its fraction of a second, R follows exactly: for
 * ttl ≥ 1, expire − R ∈ [ttl, ttl + 1), so R = ⌊expire⌋ − ttl; for ttl ≤ −1
 * (a lease past its expiry that Vault still holds), expire − R ∈ (ttl − 1, ttl],
 * so R = ⌈expire⌉ − ttl; for ttl = 0, R is ⌊expire⌋ or ⌈expire⌉. Vault's clock
 * was within half a second of R: the result is R (the midpoint of ⌊expire⌋ and
 * ⌈expire⌉ for ttl 0, within a second). expire_time is read to the
 * millisecond, so a fraction below 1 ms counts as none.
 */
export function vaultNowAtLookup(expireMs: number, ttl: number): number {
  const floor = Math.floor(expireMs / 1000) * 1000;
  const ceil = Math.ceil(expireMs / 1000) * 1000;
  if (ttl > 0) return floor - ttl * 1000;
  if (ttl < 0) return ceil - ttl * 1000;
  return (floor + ceil) / 2;
}

/**
 * Vault's clock relative to the harness's, from lease lookups: where Vault's
 * clock stood when it answered (vaultNowAtLookup) minus when the harness
 * asked. With no usable lookup the clocks are assumed equal, and the basis
 * says so.
 */
export function vaultClockOffset(leases: readonly LeaseRecord[]): ClockOffset {
  const offsets: number[] = [];
  for (const l of leases) {
    const expire = parseTime(l.lookup.expire_time);
    const at = parseTime(l.at);
    if (expire === undefined || at === undefined || !Number.isFinite(expire) || !Number.isInteger(l.lookup.ttl)) continue;
    offsets.push(vaultNowAtLookup(expire, l.lookup.ttl) - at);
  }
  if (offsets.length === 0) return { offsetMs: 0, basis: "no lease lookup to compare clocks with; Vault's clock assumed equal to the harness's" };
  const offsetMs = median(offsets);
  return { offsetMs, basis: `Vault's clock is ${signed(offsetMs)} from the harness's (median of ${offsets.length} lease lookups)` };
}
