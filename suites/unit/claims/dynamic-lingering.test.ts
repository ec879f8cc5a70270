import { describe, expect, it } from "vitest";
import { judgeD3Expiry, overdueRoles, rolesToExplain } from "../../../harness/claims/dynamic/drop.ts";
import { revocationProblems } from "../../../harness/claims/dynamic/lingering.ts";
import type { LingeringEvidence, PgRolesSnapshot } from "../../../harness/claims/dynamic/types.ts";
import { revokeFailureLines } from "../../../harness/vault/revoke-log.ts";
import { T0, TTL_MS, appTimeline, cred, iso, lease, params, row, snapshot } from "../../support/dynamic-fixtures.ts";
import { VAULT_LOG_MULTI_LINE, VAULT_LOG_ONE_LINE, VAULT_LOG_OTHER, irrevocableList } from "../../support/dynamic-lingering-fixtures.ts";

const c0 = cred(0);
const c1 = cred(1);
const c3 = cred(3);
/** Looked up 70 s after c0's lease expired, by Vault's clock. */
const AT = c0.issueMs + TTL_MS + 70_000;
const LOG = revokeFailureLines([VAULT_LOG_OTHER, VAULT_LOG_MULTI_LINE, VAULT_LOG_ONE_LINE].join("\n"), 50);

function evidence(over: Partial<LingeringEvidence> = {}): LingeringEvidence {
  return { at: iso(AT), roles: [row(c0)], leases: [c0, c3].map((c) => lease(c, AT)), irrevocable: irrevocableList(), vaultLog: LOG, ...over };
}

describe("why Vault has not dropped a role whose lease expired", () => {
  it("names a lease Vault still holds past its expire_time, its retries, and the error Vault logged", () => {
    const [p, ...rest] = revocationProblems(evidence(), params);
    expect(rest).toEqual([]);
    expect(p).toMatch(new RegExp(`^Vault still holds lease ${c0.leaseId} \\(${c0.username}\\) (69|70)s after its expire_time .* by Vault's own clock: its revocation is failing and being retried`));
    expect(p).toContain("retried, attempt n+1 coming (1<<n)·10s ±50% after attempt n, until 6 failed attempts make it irrevocable (hashicorp/vault vault/expiration.go:54-58, :270-339)");
    expect(p).toMatch(/; Vault's error \(attempt 2, logged 2026-11-26T10:01:17\.312Z\): failed to revoke entry: .*ERROR: role "v-kubernet-secure-a-XrqklZNhLjkrgBfY4gq9-\d+" cannot be dropped because some objects depend on it \(SQLSTATE 2BP01\)$/);
  });

  it("says when Vault's log holds no failed attempt for the lease, or could not be read", () => {
    expect(revocationProblems(evidence({ vaultLog: [] }), params)[0]).toMatch(/Vault's log reports no failed attempt for it \(0 "failed to revoke lease" lines kept\)$/);
    expect(revocationProblems(evidence({ vaultLog: { unreadable: "kubectl logs exited 1" } }), params)[0]).toMatch(/Vault's log could not be read \(kubectl logs exited 1\)$/);
  });

  it("names a lease Vault marked irrevocable, with the error Vault kept", () => {
    const error = 'out of retries: failed to revoke entry: resp: (*logical.Response)(nil) err: ERROR: role "x" cannot be dropped (SQLSTATE 2BP01)';
    const [p] = revocationProblems(evidence({ irrevocable: irrevocableList({ leaseId: c0.leaseId, error }) }), params);
    expect(p).toBe(
      `Vault gave up revoking lease ${c0.leaseId} (${c0.username}) and marked it irrevocable, after 6 failed attempts or at once for an unrecoverable error ` +
        `(hashicorp/vault vault/expiration.go:270-304); Vault's error: ${error}`,
    );
  });

  it("says the revocation statements left the role when Vault no longer holds a lease expiring with it", () => {
    const [p] = revocationProblems(evidence({ leases: [lease(c3, AT)] }), params);
    expect(p).toMatch(new RegExp(`^Vault holds no lease that expires with ${c0.username} \\(VALID UNTIL .*; 1 leases under database/creds/${params.roleName}/ looked up`));
    expect(p).toMatch(/Vault revoked its lease, or never held one, yet the role is still in pg_roles, so the role's revocation statements did not drop it$/);
  });

  it("blames the clock reading, not Vault, when the lease has time left by Vault's own clock", () => {
    const [p] = revocationProblems(evidence({ leases: [lease(c0, c0.issueMs + 10_000)] }), params);
    expect(p).toMatch(/with 3[45]s left by Vault's own clock at .*: it has not expired, so the judge's reading of Vault's clock is off$/);
  });

  it("diagnoses every lingering role, skips roles with no hard expiry, and reports unreadable leases once", () => {
    const noExpiry = { ...row(c1), rolvaliduntil: null };
    expect(revocationProblems(evidence({ roles: [row(c0), noExpiry, row(c3)] }), params)).toHaveLength(2);
    expect(revocationProblems(evidence({ roles: [] }), params)).toEqual([]);
    expect(revocationProblems(evidence({ roles: [row(c0), row(c3)], leases: { unreadable: "LIST returned 403" } }), params)).toEqual([
      `could not look up Vault's leases under database/creds/${params.roleName}/ to tell why ${c0.username}, ${c3.username} outlived their leases: LIST returned 403`,
    ]);
  });
});

describe("D3 puts Vault's account of a lingering role first", () => {
  const samples = appTimeline(50_000, 2_000);
  const creds = [0, 1, 2, 3].map((k) => cred(k));
  const snaps = [];
  for (let t = T0; t <= T0 + 200_000; t += 5_000) snaps.push(snapshot(t, creds.filter((c) => c.issueMs <= t && (c.username === c0.username || t < c.issueMs + TTL_MS + 1_500))));
  const input = { samples, snapshots: snaps, leases: creds.map((c) => lease(c, c.issueMs + 2_000)), params };

  it("leads a failing verdict's reasons with the diagnosis, and leaves the verdict to the snapshots", () => {
    const plain = judgeD3Expiry(input, []);
    const told = judgeD3Expiry({ ...input, lingering: evidence() }, []);
    expect(plain.verdict).toBe("fail");
    expect(told.verdict).toBe("fail");
    expect(told.reasons[0]).toMatch(new RegExp(`^Vault still holds lease ${c0.leaseId}`));
    expect(told.reasons.slice(1)).toEqual(plain.reasons);
  });
});

describe("D3 explains a role dropped after its deadline, even when the drop wait saw it go", () => {
  const samples = appTimeline(50_000, 2_000);
  const creds = [0, 1, 2, 3].map((k) => cred(k));
  // Vault's first revocation of c0's lease failed; a retry dropped the role 70 s after it expired, past the 45 s grace.
  const dropAt = (c: typeof c0) => c.issueMs + TTL_MS + (c === creds[0] ? 70_000 : 1_500);
  const snaps: PgRolesSnapshot[] = [];
  for (let t = T0; t <= T0 + 200_000; t += 5_000) snaps.push(snapshot(t, creds.filter((c) => c.issueMs <= t && t < dropAt(c))));
  const windowLeases = creds.map((c) => lease(c, c.issueMs + 2_000));
  const input = { samples, snapshots: snaps, leases: windowLeases, params };
  /** Gathered after the wait: Vault holds none of these leases any more, its log kept the failed attempts. */
  const gathered = (roles = rolesToExplain(input)): LingeringEvidence => ({ at: iso(T0 + 201_000), roles, leases: [], irrevocable: irrevocableList(), vaultLog: LOG });

  it("finds the role overdue in an earlier snapshot, and when it left, though the last snapshot no longer lists it", () => {
    expect(snaps.at(-1)?.rows.some((r) => r.rolname === c0.username)).toBe(false);
    expect(overdueRoles(input)).toEqual([{ row: row(c0), leftAt: iso(c0.issueMs + TTL_MS + 70_000 + 5_000 - ((c0.issueMs + TTL_MS + 70_000 - T0) % 5_000)) }]);
    expect(rolesToExplain(input).map((r) => r.rolname)).toEqual([c0.username]);
    expect(rolesToExplain(input, snaps.at(-1))).toEqual(rolesToExplain(input));
    // The last snapshot alone names nobody: Vault's account would have been empty.
    expect(revocationProblems(gathered(snaps.at(-1)?.rows.filter((r) => r.rolname.startsWith("v-kubernet")) ?? []), params)).toEqual([]);
  });

  it("leads the failing verdict with the error Vault logged for the lease the window looked up", () => {
    const v = judgeD3Expiry({ ...input, lingering: gathered() }, []);
    expect(v.verdict).toBe("fail");
    expect(v.reasons[0]).toMatch(
      new RegExp(
        `^${c0.username} outlived its VALID UNTIL .* \\+ grace 45\\.0s and left pg_roles only by .*: Vault revoked lease ${c0.leaseId} late \\(a failed revocation is retried, .*\\)` +
          `; Vault's error \\(attempt 2, logged 2026-11-26T10:01:17\\.312Z\\): failed to revoke entry: .*\\(SQLSTATE 2BP01\\)$`,
      ),
    );
    expect(v.reasons.slice(1)).toEqual(judgeD3Expiry(input, []).reasons);
  });

  it("says so when no lease the window looked up expires with the role", () => {
    const v = judgeD3Expiry({ ...input, leases: [], lingering: gathered() }, []);
    expect(v.reasons[0]).toMatch(/Vault revoked its lease late \(a failed revocation is retried, .*\); no lease looked up during the window expires with it, so Vault's log cannot be tied to it \(\d+ "failed to revoke lease" lines kept\)$/);
  });

  it("adds the app identities a drop wait that ran out still saw, once each", () => {
    const stuck = snapshot(T0 + 205_000, [creds[2] as typeof c0, creds[0] as typeof c0]);
    expect(rolesToExplain(input, stuck).map((r) => r.rolname)).toEqual([c0.username, creds[2]?.username]);
  });
});
