import { describe, expect, it } from "vitest";
import {
  appIdentity,
  credsPath,
  renderPolicyHcl,
  renderVaultDefinitions,
  vaultDuration,
  vaultNames,
} from "../../fixtures/vault/definitions.ts";
import { PROFILES } from "../../harness/profile.ts";

describe("Vault definitions rendered from a profile", () => {
  it("renders the database role with the profile's TTLs as Vault duration strings", () => {
    const ci = renderVaultDefinitions(PROFILES.ci).databaseRole;
    expect(ci.path).toBe("database/roles/secure-app-dynamic");
    expect([ci.body.default_ttl, ci.body.max_ttl]).toEqual(["60s", "120s"]);
    const faithful = renderVaultDefinitions(PROFILES.faithful).databaseRole.body;
    expect([faithful.default_ttl, faithful.max_ttl]).toEqual(["300s", "900s"]);
    expect(ci.body.db_name).toBe(vaultNames.dbConfig);
  });

  it("gives the role a hard expiry and read-only grants in its creation statements", () => {
    const body = renderVaultDefinitions(PROFILES.ci).databaseRole.body;
    const sql = body.creation_statements.join("\n");
    expect(sql).toMatch(/CREATE ROLE "\{\{name\}\}" WITH LOGIN PASSWORD '\{\{password\}\}' VALID UNTIL '\{\{expiration\}\}';/);
    expect(sql).toMatch(/GRANT SELECT ON ALL TABLES IN SCHEMA public TO "\{\{name\}\}";/);
    expect(sql).not.toMatch(/INSERT|UPDATE|DELETE|CREATE (TABLE|SCHEMA)|SUPERUSER|CREATEROLE|CREATEDB/i);
  });

  it("revokes the grants and drops the role in its revocation statements", () => {
    const sql = renderVaultDefinitions(PROFILES.ci).databaseRole.body.revocation_statements.join("\n");
    expect(sql).toMatch(/REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM "\{\{name\}\}";/);
    expect(sql).toMatch(/DROP ROLE IF EXISTS "\{\{name\}\}";\s*$/);
  });

  it("always double-quotes {{name}} and single-quotes {{password}} and {{expiration}}", () => {
    const { creation_statements, revocation_statements } = renderVaultDefinitions(PROFILES.ci).databaseRole.body;
    const all = [...creation_statements, ...revocation_statements].join("\n");
    expect(all.match(/\{\{name\}\}/g)?.length).toBe(all.match(/"\{\{name\}\}"/g)?.length);
    expect(all.match(/\{\{(password|expiration)\}\}/g)?.length).toBe(all.match(/'\{\{(password|expiration)\}\}'/g)?.length);
  });

  it("grants the policy read on its own creds path only", () => {
    const { policy } = renderVaultDefinitions(PROFILES.ci);
    expect(policy.path).toBe("sys/policies/acl/secure-app-dynamic-creds");
    expect(policy.body.policy).toBe(renderPolicyHcl());
    expect(policy.body.policy).toBe('path "database/creds/secure-app-dynamic" {\n  capabilities = ["read"]\n}\n');
    expect(credsPath).toBe("database/creds/secure-app-dynamic");
  });

  it("binds the Kubernetes auth role to default/test-dynamic, the policy, the audience and the token TTL", () => {
    const k = renderVaultDefinitions(PROFILES.faithful).kubernetesRole;
    expect(k.path).toBe("auth/kubernetes/role/secure-app-dynamic");
    expect(k.body).toEqual({
      bound_service_account_names: ["default"],
      bound_service_account_namespaces: ["test-dynamic"],
      audience: "vault",
      token_policies: ["secure-app-dynamic-creds"],
      token_ttl: "3600s",
    });
  });

  it("uses one role name for the database role, the Kubernetes auth role and the creds path", () => {
    const d = renderVaultDefinitions(PROFILES.ci);
    const names = [d.databaseRole.path, d.kubernetesRole.path, credsPath].map((p) => p.split("/").at(-1));
    expect(new Set(names)).toEqual(new Set([vaultNames.role]));
    expect(appIdentity).toMatchObject({ namespace: "test-dynamic", serviceAccount: "default" });
  });

  it("refuses a TTL Vault cannot express in whole seconds", () => {
    expect(vaultDuration("1m30s")).toBe("90s");
    expect(() => vaultDuration("0s")).toThrow(/not a positive Vault TTL/);
  });
});
