import { describe, expect, it } from "vitest";
import { judgeD3Expiry, type D3Input } from "../../../harness/claims/dynamic/index.ts";
import { T0, TTL_MS, appTimeline, cred, lease, ok, params, snapshot, type Cred } from "../../support/dynamic-fixtures.ts";

const EV = ["dynamic/pg-roles.jsonl"];
const WINDOW = 50_000;
const samples = appTimeline(WINDOW, 2_000);
const creds = [0, 1, 2, 3].map((k) => cred(k));

interface World {
  /** Vault's clock minus the harness's. */
  vaultAheadMs?: number;
  /** How long after its lease expired Vault's revocation drops a role (Vault's clock). */
  dropDelayMs?: (c: Cred) => number;
  until?: number;
  every?: number;
}

/** pg_roles every `every` ms: each credential is listed from its issue until Vault drops it. */
function timeline(w: World = {}): D3Input {
  const ahead = w.vaultAheadMs ?? 0;
  const dropAt = (c: Cred) => c.issueMs + TTL_MS + (w.dropDelayMs?.(c) ?? 1_500) - ahead;
  const snaps = [];
  for (let t = T0; t <= T0 + (w.until ?? 150_000); t += w.every ?? 5_000) {
    snaps.push(snapshot(t, creds.filter((c) => c.issueMs - ahead <= t && t < dropAt(c))));
  }
  const leases = creds.map((c) => lease(c, c.issueMs - ahead + 2_000, { vaultAheadMs: ahead }));
  return { samples, snapshots: snaps, leases, params };
}

describe("D3: every identity the app used is dropped from Postgres once its TTL has passed", () => {
  it("passes when each role leaves pg_roles shortly after its lease expires while the control role stays", () => {
    const v = judgeD3Expiry(timeline(), EV);
    expect(v.verdict).toBe("pass");
    expect(v.subject).toBe("ttl-expiry");
    expect(v.negativeControl?.verdict).toBe("pass");
    expect(v.negativeControl?.reasons[0]).toMatch(/although its VALID UNTIL .* had passed/);
    expect(v.reasons.filter((r) => r.includes(": in pg_roles until"))).toHaveLength(4);
  });

  it("fails a role that lingers past its VALID UNTIL by more than the grace", () => {
    const v = judgeD3Expiry(timeline({ dropDelayMs: (c) => (c === creds[1] ? 70_000 : 1_500), until: 200_000 }), EV);
    expect(v.verdict).toBe("fail");
    expect(v.reasons.join("\n")).toMatch(new RegExp(`${creds[1]?.username}: still in pg_roles at .* after its VALID UNTIL .* \\(grace 45\\.0s\\)`));
  });

  it("accepts a role that lingers past its TTL by less than the grace", () => {
    const v = judgeD3Expiry(timeline({ dropDelayMs: (c) => (c === creds[2] ? 30_000 : 1_500) }), EV);
    expect(v.verdict).toBe("pass");
    expect(v.reasons.join("\n")).toMatch(new RegExp(`${creds[2]?.username}: .*gone at .* \\(\\+[23][0-9]\\.\\ds relative to its VALID UNTIL`));
  });

  it("reads lingering on Vault's clock when Vault's clock lags the harness's", () => {
    // Vault is 60s behind: it drops each role 60s later by the harness's clock than a naive reading expects.
    const input = timeline({ vaultAheadMs: -60_000, until: 220_000 });
    const v = judgeD3Expiry(input, EV);
    expect(v.verdict).toBe("pass");
    expect(v.reasons[0]).toMatch(/Vault's clock is -(59\.\ds|1m00s) from the harness's/);
    // The same snapshots read without Vault's clock would wrongly call every role a lingerer.
    expect(judgeD3Expiry({ ...input, leases: [] }, EV).verdict).toBe("fail");
  });

  it("counts an identity seen only once by the app and never in a snapshot as gone once a later snapshot lacks it", () => {
    const once = cred(4);
    const input = timeline();
    input.samples = [...samples, ok(T0 + WINDOW + 900, once.username)];
    const v = judgeD3Expiry(input, EV);
    expect(v.verdict).toBe("pass");
    expect(v.reasons.join("\n")).toMatch(new RegExp(`${once.username}: absent from every snapshot after the app reported it`));
  });

  it("is inconclusive when observation ends before a still-present role's deadline", () => {
    const v = judgeD3Expiry(timeline({ until: 80_000 }), EV);
    expect(v.verdict).toBe("inconclusive");
    expect(v.reasons.join("\n")).toMatch(/still present when observation ended/);
  });

  it("is inconclusive, with a failed control, when the control role is missing from a snapshot", () => {
    const input = timeline();
    const mid = input.snapshots[10];
    if (mid) input.snapshots[10] = { ...mid, rows: mid.rows.filter((r) => r.rolname !== params.controlRole) };
    const v = judgeD3Expiry(input, EV);
    expect(v.verdict).toBe("inconclusive");
    expect(v.negativeControl?.verdict).toBe("fail");
  });

  it("is inconclusive when the query never showed any app identity (an empty query proves nothing)", () => {
    const input = timeline();
    input.snapshots = input.snapshots.map((s) => ({ ...s, rows: s.rows.filter((r) => !r.rolname.startsWith("v-kubernet")) }));
    const v = judgeD3Expiry(input, EV);
    expect(v.verdict).toBe("inconclusive");
    expect(v.reasons.at(-1)).toMatch(/absence proves nothing/);
  });

  it("is inconclusive when a role vanishes and comes back", () => {
    const input = timeline();
    const s = input.snapshots[3];
    if (s) input.snapshots[3] = { ...s, rows: s.rows.filter((r) => r.rolname !== creds[0]?.username) };
    expect(judgeD3Expiry(input, EV).verdict).toBe("inconclusive");
  });

  it("fails a role Vault created without an expiry", () => {
    const input = timeline();
    input.snapshots = input.snapshots.map((s) => ({ ...s, rows: s.rows.map((r) => (r.rolname === creds[0]?.username ? { ...r, rolvaliduntil: null } : r)) }));
    expect(judgeD3Expiry(input, EV).verdict).toBe("fail");
  });
});
