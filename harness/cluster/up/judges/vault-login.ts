/** What the app's login through Kubernetes auth must give, and who logs in. */
export interface LoginExpectation {
  /** Auth mount and role: POST auth/<mount>/login {role, jwt}. */
  mount: string;
  role: string;
  /** The service account the app runs as, namespace/name. */
  serviceAccount: string;
  /** The audience the SecretProviderClass passes, so the one the provider's token carries. */
  audience: string;
  /** The policy that lets the app read its credential. */
  policy: string;
  /** The profile's authTokenTtl, in seconds: the auth role's token_ttl. */
  leaseSeconds: number;
}

export interface LoginJudgement {
  ok: boolean;
  message: string;
}

/**
 * How the CSI provider logs in: with the token the driver requested for the
 * SecretProviderClass `audience` ("vault" when unset), or one it creates for
 * that audience, then POST auth/<mount>/login {jwt, role}
 * (hashicorp/vault-csi-provider v1.7.4 internal/config/config.go:155,171-192;
 * internal/auth/kubernetes_jwt.go:40-94).
 */
export const PROVIDER_LOGIN =
  "vault-csi-provider 1.7.4 logs in with a token for the SecretProviderClass audience (internal/auth/kubernetes_jwt.go:40-94, internal/config/config.go:155,185-190)";

interface LoginBody {
  errors?: unknown;
  auth?: { client_token?: unknown; policies?: unknown; token_policies?: unknown; lease_duration?: unknown } | null;
}

/** Vault's error list, or the start of whatever else it answered. */
function said(body: unknown): string {
  const errors = (body as LoginBody | undefined)?.errors;
  if (Array.isArray(errors) && errors.length) return errors.map(String).join("; ");
  return typeof body === "string" ? body.slice(0, 200) : JSON.stringify(body ?? null).slice(0, 200);
}

/** The token a login answer carries, if any (to register for redaction and revoke). */
export function clientTokenOf(body: unknown): string | undefined {
  const t = (body as LoginBody | undefined)?.auth?.client_token;
  return typeof t === "string" && t ? t : undefined;
}

const rolePath = (e: LoginExpectation) => `auth/${e.mount}/role/${e.role}`;

/**
 * A login with a token for the SecretProviderClass audience must work as the
 * provider's will: 200, the app's policy on the token, and the token's TTL the
 * profile's authTokenTtl (the CSI provider never renews it, and Vault revokes
 * the app's credential when it ends). The role checks the token's `aud`
 * against its `audience` (vault-plugin-auth-kubernetes v0.24.1
 * path_login.go:353-356 and :375-378, hashicorp/cap v0.12.0 jwt/jwt.go:171
 * "invalid audience (aud) claim", answered as 403).
 */
export function judgeVaultLogin(status: number, body: unknown, e: LoginExpectation): LoginJudgement {
  const who = `a service-account token of ${e.serviceAccount} for audience ${JSON.stringify(e.audience)}`;
  if (status !== 200) {
    return { ok: false, message: `Vault's ${rolePath(e)} refused ${who} (${status}: ${said(body)}); ${PROVIDER_LOGIN} and its mount would fail the same way` };
  }
  const auth = (body as LoginBody | undefined)?.auth;
  if (!auth || !clientTokenOf(body)) return { ok: false, message: `Vault's ${rolePath(e)} answered 200 to ${who} without a token: ${said(body)}` };
  const policies = Array.isArray(auth.policies) ? auth.policies.map(String) : [];
  if (!policies.includes(e.policy)) {
    return { ok: false, message: `Vault's ${rolePath(e)} logged in ${who} with policies ${JSON.stringify(policies)}, without ${e.policy}: the CSI provider could not read the app's credential` };
  }
  if (auth.lease_duration !== e.leaseSeconds) {
    return {
      ok: false,
      message:
        `Vault's ${rolePath(e)} gave ${who} a token for ${String(auth.lease_duration)} s; the profile's authTokenTtl is ${e.leaseSeconds} s. ` +
        "The CSI provider never renews its token and Vault revokes the app's credential when it ends",
    };
  }
  return { ok: true, message: `Vault's ${rolePath(e)} accepts ${who}: policies ${JSON.stringify(policies)}, token TTL ${e.leaseSeconds} s` };
}

/**
 * The negative control: a token for another audience must be refused for its
 * audience (4xx, "invalid audience"). A 200 means the role checks no
 * audience, so the audience the SecretProviderClass passes proves nothing; a
 * refusal for another reason leaves the audience check unshown.
 */
export function judgeAudienceRefused(status: number, body: unknown, e: LoginExpectation, wrongAudience: string): LoginJudgement {
  const who = `a service-account token of ${e.serviceAccount} for audience ${JSON.stringify(wrongAudience)}`;
  if (status === 200) {
    return {
      ok: false,
      message: `Vault's ${rolePath(e)} accepted ${who}: the role does not check the audience (it should require ${JSON.stringify(e.audience)}), so a token meant for any other service logs in`,
    };
  }
  const why = said(body);
  if (status >= 400 && status < 500 && /invalid audience/i.test(why)) {
    return { ok: true, message: `Vault's ${rolePath(e)} refuses ${who} (${status}: ${why})` };
  }
  return { ok: false, message: `Vault's ${rolePath(e)} refused ${who} with ${status}: ${why}, not for its audience: the role's audience check is not shown` };
}
