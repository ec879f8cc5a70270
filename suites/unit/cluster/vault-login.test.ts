import { describe, expect, it } from "vitest";
import { clientTokenOf, judgeAudienceRefused, judgeVaultLogin, type LoginExpectation } from "../../../harness/cluster/up/judges/vault-login.ts";

const e: LoginExpectation = {
  mount: "kubernetes",
  role: "secure-app-dynamic",
  serviceAccount: "test-dynamic/default",
  audience: "vault",
  policy: "secure-app-dynamic-creds",
  leaseSeconds: 86_400,
};

/** POST auth/kubernetes/login answered 200 (logical.Response with Auth, as Vault's HTTP layer prints it). */
const accepted = (over: Record<string, unknown> = {}) => ({
  request_id: "8a5c9e4e-61b3-4b8e-9d51-3c0f4d3a2b17",
  lease_id: "",
  renewable: false,
  lease_duration: 0,
  data: null,
  wrap_info: null,
  warnings: null,
  auth: {
    client_token: "hvs.CAESIJq3example0token0value0only0for0tests",
    accessor: "Xr1x1qk3mYt0accessor",
    policies: ["default", "secure-app-dynamic-creds"],
    token_policies: ["default", "secure-app-dynamic-creds"],
    metadata: { role: "secure-app-dynamic", service_account_name: "default", service_account_namespace: "test-dynamic" },
    lease_duration: 86_400,
    renewable: true,
    entity_id: "3f1e5a7c-0d2b-4c6e-8f9a-1b2c3d4e5f60",
    token_type: "service",
    orphan: true,
    num_uses: 0,
    ...over,
  },
  mount_type: "",
});

/** What Vault answers when the role's audience is not in the token's aud (cap v0.12.0 jwt/jwt.go:171 wrapped in a 403). */
const WRONG_AUD = { errors: ["invalid audience (aud) claim: audience claim does not match any expected audience"] };

describe("the app's Vault login, as the CSI provider will make it", () => {
  it("passes with 200, the app's policy on the token, and the profile's token TTL", () => {
    const v = judgeVaultLogin(200, accepted(), e);
    expect(v).toEqual({
      ok: true,
      message: 'Vault\'s auth/kubernetes/role/secure-app-dynamic accepts a service-account token of test-dynamic/default for audience "vault": policies ["default","secure-app-dynamic-creds"], token TTL 86400 s',
    });
    expect(clientTokenOf(accepted())).toBe("hvs.CAESIJq3example0token0value0only0for0tests");
  });

  it("fails naming the provider's login when the role refuses the SecretProviderClass audience", () => {
    expect(judgeVaultLogin(403, WRONG_AUD, e).message).toBe(
      'Vault\'s auth/kubernetes/role/secure-app-dynamic refused a service-account token of test-dynamic/default for audience "vault" ' +
        "(403: invalid audience (aud) claim: audience claim does not match any expected audience); vault-csi-provider 1.7.4 logs in with a token for the " +
        "SecretProviderClass audience (internal/auth/kubernetes_jwt.go:40-94, internal/config/config.go:155,185-190) and its mount would fail the same way",
    );
    expect(judgeVaultLogin(400, { errors: ['invalid role name "secure-app-dynamic"'] }, e).ok).toBe(false);
  });

  it("fails when the token lacks the app's policy", () => {
    const v = judgeVaultLogin(200, accepted({ policies: ["default"], token_policies: ["default"] }), e);
    expect(v.ok).toBe(false);
    expect(v.message).toMatch(/with policies \["default"\], without secure-app-dynamic-creds: the CSI provider could not read the app's credential$/);
  });

  it("fails when the token's TTL is not the profile's authTokenTtl (an auth role from another profile)", () => {
    const v = judgeVaultLogin(200, accepted({ lease_duration: 3600 }), e);
    expect(v.ok).toBe(false);
    expect(v.message).toMatch(/gave a service-account token of test-dynamic\/default for audience "vault" a token for 3600 s; the profile's authTokenTtl is 86400 s/);
  });

  it("fails on a 200 without a token", () => {
    expect(judgeVaultLogin(200, { ...accepted(), auth: null }, e).message).toMatch(/answered 200 to .* without a token/);
  });
});

describe("the negative control: a token for another audience", () => {
  it("passes when Vault refuses it for its audience", () => {
    expect(judgeAudienceRefused(403, WRONG_AUD, e, "not-vault")).toEqual({
      ok: true,
      message:
        'Vault\'s auth/kubernetes/role/secure-app-dynamic refuses a service-account token of test-dynamic/default for audience "not-vault" ' +
        "(403: invalid audience (aud) claim: audience claim does not match any expected audience)",
    });
  });

  it("fails when Vault accepts it: the role checks no audience", () => {
    const v = judgeAudienceRefused(200, accepted(), e, "not-vault");
    expect(v.ok).toBe(false);
    expect(v.message).toMatch(/accepted a service-account token of test-dynamic\/default for audience "not-vault": the role does not check the audience/);
  });

  it("fails when Vault refuses it for another reason, which leaves the audience check unshown", () => {
    const v = judgeAudienceRefused(403, { errors: ["permission denied"] }, e, "not-vault");
    expect(v).toMatchObject({ ok: false });
    expect(v.message).toMatch(/refused .* with 403: permission denied, not for its audience/);
    expect(judgeAudienceRefused(500, "upstream connect error", e, "not-vault").ok).toBe(false);
  });
});
