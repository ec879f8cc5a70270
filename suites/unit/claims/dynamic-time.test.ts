import { describe, expect, it } from "vitest";
import { vaultClockOffset, vaultNowAtLookup } from "../../../harness/claims/dynamic/time.ts";
import { T0, cred, iso, lease, vaultLeaseTtl, vaultTime } from "../../support/dynamic-fixtures.ts";

const EXPIRE = T0 + 60_000 + 123;

/** Every Vault clock reading from `fromMs` to `toMs` around EXPIRE, 7 ms apart. */
function sweep(fromMs: number, toMs: number): { vaultNow: number; ttl: number }[] {
  const out = [];
  for (let d = fromMs; d <= toMs; d += 7) out.push({ vaultNow: EXPIRE + d, ttl: vaultLeaseTtl(EXPIRE, EXPIRE + d) });
  return out;
}

const errors = (xs: { vaultNow: number; ttl: number }[]) => xs.map((x) => vaultNowAtLookup(EXPIRE, x.ttl) - x.vaultNow);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("Vault's clock read from a lease lookup's ttl", () => {
  it("prints ttl as Vault does: now rounded to the second, the difference converted toward zero", () => {
    expect(vaultLeaseTtl(EXPIRE, EXPIRE - 10_400)).toBe(10);
    expect(vaultLeaseTtl(EXPIRE, EXPIRE - 600)).toBe(0);
    expect(vaultLeaseTtl(EXPIRE, EXPIRE + 900)).toBe(0);
    expect(vaultLeaseTtl(EXPIRE, EXPIRE + 1_400)).toBe(-1);
    expect(vaultLeaseTtl(EXPIRE, EXPIRE + 3_600)).toBe(-3);
    expect(vaultLeaseTtl(EXPIRE, EXPIRE + 4_400)).toBe(-4);
  });

  it("is within half a second, and unbiased, for a lease that has not expired", () => {
    const e = errors(sweep(-30_000, -1_500));
    expect(Math.max(...e.map(Math.abs))).toBeLessThanOrEqual(500);
    expect(Math.abs(mean(e))).toBeLessThan(20);
  });

  it("is within half a second, and unbiased, for a lease Vault still holds past its expiry (negative ttl)", () => {
    const past = sweep(1_500, 30_000);
    const e = errors(past);
    expect(past.every((x) => x.ttl < 0)).toBe(true);
    expect(Math.max(...e.map(Math.abs))).toBeLessThanOrEqual(500);
    expect(Math.abs(mean(e))).toBeLessThan(20);
  });

  it("is within a second, and unbiased, when Vault prints ttl 0", () => {
    const zero = sweep(-3_000, 3_000).filter((x) => x.ttl === 0);
    const e = errors(zero);
    expect(zero.length).toBeGreaterThan(250);
    expect(Math.max(...e.map(Math.abs))).toBeLessThanOrEqual(1_000);
    expect(Math.abs(mean(e))).toBeLessThan(20);
  });

  it("finds Vault 10 s ahead from lookups of leases past their expiry as well as live ones", () => {
    const c = cred(0);
    const live = [5_000, 12_345, 20_777].map((t) => lease(c, c.issueMs + t, { vaultAheadMs: 10_000 }));
    const expired = [50_000, 61_500, 77_250].map((t) => lease(c, c.issueMs + t, { vaultAheadMs: 10_000 }));
    expect(expired.every((l) => l.lookup.ttl < 0)).toBe(true);
    for (const leases of [live, expired]) expect(Math.abs(vaultClockOffset(leases).offsetMs - 10_000)).toBeLessThanOrEqual(550);
  });

  it("skips a lookup whose ttl is not an integer or whose lease never expires", () => {
    const at = iso(T0);
    const odd = [
      { at, lookup: { id: "a", issue_time: vaultTime(T0), expire_time: vaultTime(EXPIRE), ttl: Number.NaN } },
      { at, lookup: { id: "b", issue_time: vaultTime(T0), expire_time: null, ttl: 0 } },
    ];
    expect(vaultClockOffset(odd).basis).toMatch(/assumed equal/);
  });
});
