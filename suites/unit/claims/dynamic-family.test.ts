import { describe, expect, it } from "vitest";
import { remountCadenceEvidence } from "../../../harness/claims/dynamic/cadence.ts";
import { readDynamicEvidence, type DynamicEvidence } from "../../../harness/claims/dynamic/evidence.ts";
import { dynamicFamily, judgeDynamic } from "../../../harness/claims/dynamic/family.ts";
import { LAYOUT } from "../../../harness/claims/dynamic/layout.ts";
import { PROFILES, remountModelOf } from "../../../harness/profile.ts";
import type { BundleView } from "../../../harness/claims/registry.ts";
import { FAMILIES } from "../../../harness/report/families.ts";
import { TTL_MS, cred, iso, lease, passingEvidence as evidence, row, snapshot } from "../../support/dynamic-fixtures.ts";
import { irrevocableList } from "../../support/dynamic-lingering-fixtures.ts";

function bundle(files: Record<string, string>): BundleView {
  return {
    files: Object.keys(files),
    has: (p) => p in files,
    bytes: (p) => Buffer.from(files[p] ?? ""),
    text: (p) => {
      const t = files[p];
      if (t === undefined) throw new Error(`no ${p}`);
      return t;
    },
    json: <T>(p: string) => JSON.parse(files[p] ?? "null") as T,
  };
}

const lines = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).join("\n") + "\n";

function files(e: DynamicEvidence): Record<string, string> {
  const P = LAYOUT;
  return {
    [P.params]: JSON.stringify(e.params),
    [P.appSamples]: lines(e.appSamples ?? []),
    [P.podSamples]: lines(e.podSamples ?? []),
    [P.pgRoles]: lines(e.pgRoles ?? []),
    [P.leases]: lines(e.leases ?? []),
    [P.d1]: JSON.stringify(e.d1, null, 2),
    [P.revocation]: JSON.stringify(e.revocation, null, 2),
    [P.logins]: JSON.stringify(e.logins, null, 2),
    ...(e.lingering ? { [P.lingering]: JSON.stringify(e.lingering, null, 2) } : {}),
    ...(e.remountCadence ? { [P.remountCadence]: JSON.stringify(e.remountCadence, null, 2) } : {}),
  };
}

describe("the dynamic claim family re-judges a saved bundle", () => {
  it("reaches the verdicts the suite reached, from the files alone", () => {
    const e = evidence();
    const live = judgeDynamic(e);
    expect(live.map((v) => `${v.claim}:${v.verdict}`)).toEqual(["D1:pass", "D2:pass", "D3:pass", "D3:pass", "D4:pass"]);
    expect(dynamicFamily.rejudge(bundle(files(e)))).toEqual(live);
  });

  it("reads the recorded remount cadence back without letting it change a verdict", () => {
    const e = evidence();
    e.remountCadence = remountCadenceEvidence(e.appSamples ?? [], remountModelOf(PROFILES.ci));
    expect(readDynamicEvidence(bundle(files(e)))?.remountCadence).toEqual(e.remountCadence);
    expect(dynamicFamily.rejudge(bundle(files(e)))).toEqual(judgeDynamic(evidence()));
  });

  it("is registered with the other families", () => {
    expect(FAMILIES).toContain(dynamicFamily);
  });

  it("calls a claim inconclusive, never passed, when its evidence file is missing", () => {
    const f = files(evidence());
    delete f[LAYOUT.logins];
    delete f[LAYOUT.revocation];
    const v = dynamicFamily.rejudge(bundle(f));
    expect(v.filter((x) => x.verdict === "inconclusive").map((x) => x.claim)).toEqual(["D3", "D4"]);
    expect(dynamicFamily.rejudge(bundle({})).every((x) => x.verdict === "inconclusive")).toBe(true);
  });

  it("fails a bundle whose pg_roles show a role outliving its TTL", () => {
    const e = evidence();
    const stale = cred(0);
    e.pgRoles = (e.pgRoles ?? []).map((s) => (s.rows.some((r) => r.rolname === stale.username) ? s : snapshot(Date.parse(s.at), [stale])));
    const v = dynamicFamily.rejudge(bundle(files(e)));
    expect(v.find((x) => x.subject === "ttl-expiry")?.verdict).toBe("fail");
  });

  it("reads back what Vault said about a lingering role and leads the failed D3 with it", () => {
    const e = evidence();
    const stale = cred(0);
    e.pgRoles = (e.pgRoles ?? []).map((s) => (s.rows.some((r) => r.rolname === stale.username) ? s : snapshot(Date.parse(s.at), [stale])));
    const at = stale.issueMs + TTL_MS + 90_000;
    const error = "out of retries: failed to revoke entry: resp: (*logical.Response)(nil) err: ERROR: role is busy (SQLSTATE 55006)";
    e.lingering = { at: iso(at), roles: [row(stale)], leases: [lease(stale, at)], irrevocable: irrevocableList({ leaseId: stale.leaseId, error }), vaultLog: [] };
    const v = dynamicFamily.rejudge(bundle(files(e))).find((x) => x.subject === "ttl-expiry");
    expect(v?.verdict).toBe("fail");
    expect(v?.reasons[0]).toMatch(new RegExp(`^Vault gave up revoking lease ${stale.leaseId} .*Vault's error: ${error.replace(/[()*]/g, "\\$&")}$`));
    expect(v?.evidence).toContain(LAYOUT.lingering);
    expect(dynamicFamily.rejudge(bundle(files(e)))).toEqual(judgeDynamic(e));
  });
});
