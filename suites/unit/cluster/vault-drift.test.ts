import { describe, expect, it } from "vitest";
import { renderVaultDefinitions } from "../../../fixtures/vault/definitions.ts";
import { decideRestartAfterVault, vaultDrift } from "../../../harness/cluster/up/judges/vault-drift.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { heldAsRendered } from "../../support/vault-answers.ts";

const ci = renderVaultDefinitions(PROFILES.ci);
const faithful = renderVaultDefinitions(PROFILES.faithful);

describe("Vault's configuration compared with what the profile renders", () => {
  it("finds nothing when Vault holds what the profile renders, extra read-only fields included", () => {
    expect(vaultDrift(ci, heldAsRendered(ci))).toEqual([]);
    expect(vaultDrift(faithful, heldAsRendered(faithful))).toEqual([]);
  });

  it("names the old TTLs a reused cluster keeps after the profile's TTLs changed (45s/90s to 60s/120s)", () => {
    const held = heldAsRendered(ci);
    const old = { ...held, databaseRole: { ...held.databaseRole, default_ttl: 45, max_ttl: 90 } };
    expect(vaultDrift(ci, old)).toEqual([
      "database/roles/secure-app-dynamic default_ttl (s): Vault holds 45, the profile renders 60",
      "database/roles/secure-app-dynamic max_ttl (s): Vault holds 90, the profile renders 120",
    ]);
  });

  it("names every TTL that differs after switching profile (ci held, faithful rendered)", () => {
    expect(vaultDrift(faithful, heldAsRendered(ci))).toEqual([
      "database/roles/secure-app-dynamic default_ttl (s): Vault holds 60, the profile renders 300",
      "database/roles/secure-app-dynamic max_ttl (s): Vault holds 120, the profile renders 900",
      "auth/kubernetes/role/secure-app-dynamic token_ttl (s): Vault holds 86400, the profile renders 3600",
    ]);
  });

  it("treats an audience Vault omits (none set) as drift: the role would not check the token's audience", () => {
    const held = heldAsRendered(ci);
    const { audience: _, ...noAudience } = held.kubernetesRole;
    expect(vaultDrift(ci, { ...held, kubernetesRole: noAudience })).toEqual([
      'auth/kubernetes/role/secure-app-dynamic audience: Vault holds "", the profile renders "vault"',
    ]);
  });

  it("finds bound names, namespaces, policies, statements and the policy text that differ", () => {
    const held = heldAsRendered(ci);
    const changed = {
      databaseRole: { ...held.databaseRole, creation_statements: ['CREATE ROLE "{{name}}" WITH LOGIN PASSWORD \'{{password}}\';'] },
      kubernetesRole: { ...held.kubernetesRole, bound_service_account_namespaces: ["default"], token_policies: ["default"] },
      policy: { ...held.policy, policy: 'path "database/creds/*" {\n  capabilities = ["read"]\n}\n' },
    };
    const drift = vaultDrift(ci, changed);
    expect(drift).toHaveLength(4);
    expect(drift[0]).toMatch(/^database\/roles\/secure-app-dynamic creation_statements: Vault holds \["CREATE ROLE/);
    expect(drift[1]).toBe('auth/kubernetes/role/secure-app-dynamic bound_service_account_namespaces: Vault holds ["default"], the profile renders ["test-dynamic"]');
    expect(drift[2]).toBe('auth/kubernetes/role/secure-app-dynamic token_policies: Vault holds ["default"], the profile renders ["secure-app-dynamic-creds"]');
    expect(drift[3]).toMatch(/^sys\/policies\/acl\/secure-app-dynamic-creds policy: Vault holds "path \\"database\/creds\/\*\\"/);
  });

  it("ignores the order of bound lists and policies (sets to Vault) but not of statements (run in order)", () => {
    const held = heldAsRendered(ci);
    const two = { ...held, kubernetesRole: { ...held.kubernetesRole, token_policies: ["b", "a"] } };
    const defs = { ...ci, kubernetesRole: { ...ci.kubernetesRole, body: { ...ci.kubernetesRole.body, token_policies: ["a", "b"] } } };
    expect(vaultDrift(defs, two)).toEqual([]);
    const reversed = { ...held, databaseRole: { ...held.databaseRole, revocation_statements: [...ci.databaseRole.body.revocation_statements].reverse() } };
    expect(vaultDrift(ci, reversed)).toHaveLength(1);
  });

  it("compares only what Vault holds (what is missing is reported as missing, not drift)", () => {
    expect(vaultDrift(ci, {})).toEqual([]);
  });
});

describe("the app after Vault's configuration was applied in this run", () => {
  const at = "2026-12-01T10:00:05.120Z";

  it("is kept when Vault already held the profile's configuration", () => {
    expect(decideRestartAfterVault(undefined, [{ pod: "secure-test-app-1", startedAt: "2026-12-01T09:00:00.000Z" }]).restart).toBe(false);
  });

  it("is kept when it started after the configuration (a new cluster)", () => {
    expect(decideRestartAfterVault(at, [{ pod: "secure-test-app-1", startedAt: "2026-12-01T10:01:00.000Z" }]).restart).toBe(false);
    expect(decideRestartAfterVault(at, []).restart).toBe(false);
  });

  it("is restarted when it started before (its credential and its provider's Vault token come from the old roles)", () => {
    const d = decideRestartAfterVault(at, [{ pod: "secure-test-app-1", startedAt: "2026-12-01T09:00:00.000Z" }]);
    expect(d.restart).toBe(true);
    expect(d.reason).toContain("secure-test-app-1 (started 2026-12-01T09:00:00.000Z)");
    expect(decideRestartAfterVault(at, [{ pod: "secure-test-app-1", startedAt: "2026-12-01T10:00:05.000Z" }]).restart).toBe(true);
    expect(decideRestartAfterVault(at, [{ pod: "pending" }]).restart).toBe(true);
  });
});
