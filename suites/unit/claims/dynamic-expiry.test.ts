import { describe, expect, it } from "vitest";
import { judgeD1, parseTime, usernameUnixTime, vaultClockOffset } from "../../../harness/claims/dynamic/index.ts";
import { toMs } from "../../../clusters/duration.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { T0, TTL_MS, adminRow, cred, lease, ok, params, snapshot, type Cred } from "../../support/dynamic-fixtures.ts";

const EV = ["dynamic/d1.json"];
const c1 = cred(1);
const c2 = cred(2);
const c3 = cred(3);
const now = T0 + 50_000;
const leasesOf = (...cs: Cred[]) => cs.map((c) => lease(c, now + 500));

describe("D1: the app's current role has a hard expiry that is its Vault lease's", () => {
  it("passes when the role's VALID UNTIL is its lease's expire_time plus Vault's 5s buffer", () => {
    const v = judgeD1({ sample: ok(now, c3.username), snapshot: snapshot(now + 200, [c2, c3]), leases: leasesOf(c1, c2, c3), params }, EV);
    expect(v.verdict).toBe("pass");
    expect(v.subject).toBe(c3.username);
    expect(v.reasons.join("\n")).toContain(c3.leaseId);
    expect(v.evidence).toEqual(EV);
  });

  it("is not moved by a skew between Postgres's and Vault's clocks or Postgres's display zone", () => {
    const snap = snapshot(now + 200, [c2, c3], { pgAheadMs: 120_000, offsetMinutes: 120 });
    expect(snap.rows[2]?.rolvaliduntil).toMatch(/\+02:00$/);
    const v = judgeD1({ sample: ok(now, c3.username), snapshot: snap, leases: leasesOf(c1, c2, c3), params }, EV);
    expect(v.verdict).toBe("pass");
  });

  it("allows for VALID UNTIL's truncation to whole seconds and the lease being registered after the expiry was computed", () => {
    // Vault computed now + TTL + 5s at .990 of a second; Postgres keeps whole seconds; the lease was registered 300 ms later.
    const createMs = T0 + 40_990;
    const late: Cred = { ...c3, issueMs: createMs + 300, validUntilMs: Math.floor((createMs + TTL_MS + 5_000) / 1000) * 1000 };
    const v = judgeD1({ sample: ok(now, late.username), snapshot: snapshot(now, [late]), leases: leasesOf(late), params }, EV);
    expect(v.verdict).toBe("pass");
    expect(v.reasons.join("\n")).toContain("= -1.3s (tolerance 5.0s)");
    for (const p of Object.values(PROFILES)) expect(toMs(p.dynamic.expiryTolerance), p.name).toBeGreaterThan(1_000);
  });

  it("fails a role that never expires (no VALID UNTIL, or infinity)", () => {
    for (const until of [null, "infinity"]) {
      const snap = snapshot(now, [c3]);
      snap.rows = snap.rows.map((r) => (r.rolname === c3.username ? { ...r, rolvaliduntil: until } : r));
      const v = judgeD1({ sample: ok(now, c3.username), snapshot: snap, leases: leasesOf(c3), params }, EV);
      expect(v.verdict).toBe("fail");
      expect(v.reasons[0]).toMatch(/no hard expiry/);
    }
  });

  it("fails when the app's user is not in pg_roles", () => {
    const v = judgeD1({ sample: ok(now, c3.username), snapshot: snapshot(now, [c2]), leases: leasesOf(c2, c3), params }, EV);
    expect(v.verdict).toBe("fail");
    expect(v.reasons[0]).toMatch(/not in pg_roles/);
  });

  it("fails when no lease expires with the role (a role Vault will never revoke)", () => {
    const v = judgeD1({ sample: ok(now, c3.username), snapshot: snapshot(now, [c3]), leases: leasesOf(c1, c2), params }, EV);
    expect(v.verdict).toBe("fail");
    expect(v.reasons[0]).toMatch(/no lease .* expires with/);
  });

  it("fails when the lease does not live the role's default_ttl", () => {
    const long = cred(3, 15_000, 3_600_000);
    const v = judgeD1({ sample: ok(now, long.username), snapshot: snapshot(now, [long]), leases: [lease(long, now, { ttlMs: 3_600_000 })], params }, EV);
    expect(v.verdict).toBe("fail");
    expect(v.reasons.at(-1)).toMatch(/lives 60m00s, not the role's default_ttl 45\.0s/);
  });

  it("tells two leases apart by the issue time in the role's name", () => {
    const twin: Cred = { ...c3, username: c3.username.replace(/-\d+$/, `-${Math.floor(c3.issueMs / 1000) + 3}`), leaseId: `${c3.leaseId}-twin`, issueMs: c3.issueMs + 3_000 };
    const v = judgeD1({ sample: ok(now, c3.username), snapshot: snapshot(now, [c3]), leases: leasesOf(c3, twin), params }, EV);
    expect(v.verdict).toBe("pass");
    expect(v.reasons.join("\n")).not.toContain("twin");
  });

  it("is inconclusive when two leases issued in the same second both match", () => {
    const twin: Cred = { ...c3, leaseId: `${c3.leaseId}-twin`, issueMs: c3.issueMs + 300 };
    const v = judgeD1({ sample: ok(now, c3.username), snapshot: snapshot(now, [c3]), leases: leasesOf(c3, twin), params }, EV);
    expect(v.verdict).toBe("inconclusive");
  });

  it("is inconclusive when the app reported no identity", () => {
    const v = judgeD1({ sample: { at: new Date(now).toISOString(), status: 500 }, snapshot: snapshot(now, [c3]), leases: leasesOf(c3), params }, EV);
    expect(v.verdict).toBe("inconclusive");
  });

  it("fails a role that exists but cannot log in", () => {
    const snap = snapshot(now, [c3]);
    snap.rows = [adminRow, { ...(snap.rows[1] as (typeof snap.rows)[number]), rolcanlogin: false }];
    expect(judgeD1({ sample: ok(now, c3.username), snapshot: snap, leases: leasesOf(c3), params }, EV).verdict).toBe("fail");
  });
});

describe("time helpers read Vault's and Postgres's formats", () => {
  it("parse nanosecond RFC 3339, zone offsets and infinity", () => {
    expect(parseTime("2026-11-26T10:00:45.123456789Z")).toBe(Date.parse("2026-11-26T10:00:45.123Z"));
    expect(parseTime("2026-11-26T12:00:50+02:00")).toBe(Date.parse("2026-11-26T10:00:50Z"));
    expect(parseTime("infinity")).toBe(Number.POSITIVE_INFINITY);
    expect(parseTime(null)).toBeUndefined();
    expect(parseTime("soon")).toBeUndefined();
  });

  it("read the unix time Vault's username template appends", () => {
    expect(usernameUnixTime("v-kubernet-dynamic--XrqklZNhLjkrgBfY4gq9-1778257150")).toBe(1778257150);
    expect(usernameUnixTime("postgres")).toBeUndefined();
  });

  it("estimate Vault's clock from lease lookups within a second", () => {
    const at = T0 + 20_000;
    expect(Math.abs(vaultClockOffset([lease(c1, at, { vaultAheadMs: 30_000 })]).offsetMs - 30_000)).toBeLessThan(1_000);
    expect(Math.abs(vaultClockOffset([lease(c2, at, { vaultAheadMs: -7_000 })]).offsetMs + 7_000)).toBeLessThan(1_000);
    expect(vaultClockOffset([]).basis).toMatch(/assumed equal/);
    expect(TTL_MS).toBe(params.defaultTtlMs);
  });
});
