import { PermanentError } from "../../../core/errors.ts";
import { redactor as defaultRedactor, type Redactor } from "../../../evidence/redact.ts";
import type { Kubectl } from "../../../kube/kubectl.ts";
import { clientTokenOf, judgeAudienceRefused, judgeVaultLogin, type LoginExpectation, type LoginJudgement } from "../judges/vault-login.ts";

/** The audience of the negative control: one no Vault role of ours requires. */
export const WRONG_AUDIENCE = "not-vault";

/**
 * The shortest lifetime the TokenRequest API grants, an API rule rather than
 * a duration of ours: kubernetes pkg/apis/authentication/validation/validation.go
 * ValidateTokenRequest refuses expirationSeconds < MinTokenAgeSec (600) with
 * "may not specify a duration less than 10 minutes".
 */
export const TOKEN_REQUEST_MIN_LIFETIME = "10m";

export interface LoginCheckDeps {
  kubectl: Kubectl;
  /** Vault's address from the host (a port-forward, reopened when it exits). */
  vaultUrl: () => Promise<string>;
  timeoutMs: number;
  redactor?: Redactor;
}

/** A short-lived token of the app's service account for `audience`, registered for redaction before anything can print it. */
async function serviceAccountToken(d: LoginCheckDeps, e: LoginExpectation, audience: string): Promise<string> {
  const [ns, name] = e.serviceAccount.split("/") as [string, string];
  const r = await d.kubectl.run(["-n", ns, "create", "token", name, "--audience", audience, "--duration", TOKEN_REQUEST_MIN_LIFETIME], { secretStdout: true });
  const token = r.stdout.trim();
  if (!token) throw new Error(`${r.command} printed no token`);
  (d.redactor ?? defaultRedactor).register(token, `service-account token of ${e.serviceAccount} for audience ${audience}`);
  return token;
}

async function post(d: LoginCheckDeps, path: string, body: object | undefined, token?: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${await d.vaultUrl()}/v1/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { "X-Vault-Token": token } : {}) },
    body: JSON.stringify(body ?? {}),
    signal: AbortSignal.timeout(d.timeoutMs),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  } catch {
    return { status: res.status, body: text };
  }
}

/** Logs in with a fresh token for `audience`, judges the answer, and revokes any Vault token it got. */
async function tryLogin(d: LoginCheckDeps, e: LoginExpectation, audience: string, judge: (status: number, body: unknown) => LoginJudgement): Promise<string> {
  const jwt = await serviceAccountToken(d, e, audience);
  const r = await post(d, `auth/${e.mount}/login`, { role: e.role, jwt });
  const token = clientTokenOf(r.body);
  if (token) (d.redactor ?? defaultRedactor).register(token, `Vault token from the ${e.role} login check`);
  const v = judge(r.status, r.body);
  if (token) {
    await revokeSelf(d, e, token).catch((err: unknown) => {
      throw new Error(`${(err as Error).message} (the login itself: ${v.message})`, { cause: err });
    });
  }
  if (v.ok) return v.message;
  // A 5xx may pass (Vault, or the API server it asks, busy); a refusal will not.
  throw r.status >= 500 ? new Error(v.message) : new PermanentError(v.message);
}

/** POST auth/token/revoke-self with the token itself: 204 (hashicorp/vault vault/token_store.go:3337-3339 and revokeCommon :3357-3393, ce/main c6c940d; the default policy allows it). */
async function revokeSelf(d: LoginCheckDeps, e: LoginExpectation, token: string): Promise<void> {
  const r = await post(d, "auth/token/revoke-self", undefined, token);
  if (r.status !== 204 && r.status !== 200) {
    throw new Error(`POST /v1/auth/token/revoke-self for the token of the ${e.role} login check answered ${r.status}: ${JSON.stringify(r.body ?? null).slice(0, 200)}`);
  }
}

/**
 * The app's login as the CSI provider will make it, before the app exists:
 * a token for the SecretProviderClass audience must log in with the app's
 * policy and the profile's token TTL, and a token for another audience must
 * be refused for its audience. Both Vault tokens are revoked at once.
 */
export async function checkVaultLogin(d: LoginCheckDeps, e: LoginExpectation): Promise<string[]> {
  const accepted = await tryLogin(d, e, e.audience, (s, b) => judgeVaultLogin(s, b, e));
  const refused = await tryLogin(d, e, WRONG_AUDIENCE, (s, b) => judgeAudienceRefused(s, b, e, WRONG_AUDIENCE));
  return [accepted, refused];
}
