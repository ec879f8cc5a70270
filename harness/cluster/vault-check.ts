import { PermanentError } from "../core/errors.ts";
import type { VaultBinding } from "../../fixtures/manifests/app.ts";

export interface VaultConfigState {
  configured: boolean;
  /** What is missing, when not configured. */
  missing: string[];
}

/** Vault's answers that decide whether it is configured for the app (pure, for tests). */
export function vaultConfigState(
  mounts: Record<string, unknown>,
  auths: Record<string, unknown>,
  dbRoleFound: boolean,
  authRoleFound: boolean,
): VaultConfigState {
  const missing: string[] = [];
  if (!("database/" in mounts)) missing.push("secrets engine database/");
  if (!("kubernetes/" in auths)) missing.push("auth method kubernetes/");
  if (!dbRoleFound) missing.push("database role");
  if (!authRoleFound) missing.push("kubernetes auth role");
  return { configured: missing.length === 0, missing };
}

async function vaultGet(addr: string, token: string, path: string, timeoutMs: number): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${addr}/v1/${path}`, { headers: { "X-Vault-Token": token }, signal: AbortSignal.timeout(timeoutMs) });
  if (res.status === 401 || res.status === 403) throw new PermanentError(`GET ${addr}/v1/${path} answered ${res.status}: the root token is not accepted`);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

const dataOf = (b: unknown) => ((b as { data?: Record<string, unknown> })?.data ?? (b as Record<string, unknown>) ?? {});

/**
 * Whether Vault already holds the app's configuration: the database engine,
 * Kubernetes auth, and both roles. Dev-mode Vault keeps everything in memory,
 * so a restarted Vault pod answers "not configured".
 */
export async function readVaultConfigState(addr: string, token: string, b: VaultBinding, timeoutMs: number): Promise<VaultConfigState> {
  const [mounts, auths, dbRole, authRole] = await Promise.all([
    vaultGet(addr, token, "sys/mounts", timeoutMs),
    vaultGet(addr, token, "sys/auth", timeoutMs),
    vaultGet(addr, token, `database/roles/${b.dbRole}`, timeoutMs),
    vaultGet(addr, token, `auth/kubernetes/role/${b.authRole}`, timeoutMs),
  ]);
  return vaultConfigState(dataOf(mounts.body), dataOf(auths.body), dbRole.status === 200, authRole.status === 200);
}

/** Vault's health endpoint answers 200 (initialised, unsealed, active). */
export async function vaultHealthy(addr: string, timeoutMs: number): Promise<{ ok: boolean; status: number }> {
  const res = await fetch(`${addr}/v1/sys/health`, { signal: AbortSignal.timeout(timeoutMs) });
  await res.body?.cancel();
  return { ok: res.status === 200, status: res.status };
}
