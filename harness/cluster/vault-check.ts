import { PermanentError } from "../core/errors.ts";
import type { VaultBinding } from "../../fixtures/manifests/app.ts";

export interface VaultConfigState {
  configured: boolean;
  /** What is missing, when not configured. */
  missing: string[];
  /**
   * Vault holds a connection to Postgres, so it may have rotated the admin
   * password: only when it holds none may the password be reset to the
   * bootstrap one (otherwise Vault's copy would go stale).
   */
  hasConnection: boolean;
}

export interface VaultAnswers {
  mounts: Record<string, unknown>;
  auths: Record<string, unknown>;
  connection: boolean;
  dbRole: boolean;
  authRole: boolean;
}

/** Vault's answers that decide whether it is configured for the app (pure, for tests). */
export function vaultConfigState(a: VaultAnswers): VaultConfigState {
  const missing: string[] = [];
  if (!("database/" in a.mounts)) missing.push("secrets engine database/");
  if (!a.connection) missing.push("database connection");
  if (!a.dbRole) missing.push("database role");
  if (!("kubernetes/" in a.auths)) missing.push("auth method kubernetes/");
  if (!a.authRole) missing.push("kubernetes auth role");
  return { configured: missing.length === 0, missing, hasConnection: a.connection };
}

async function vaultGet(addr: string, token: string, path: string, timeoutMs: number): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${addr}/v1/${path}`, { headers: { "X-Vault-Token": token }, signal: AbortSignal.timeout(timeoutMs) });
  if (res.status === 401 || res.status === 403) throw new PermanentError(`GET ${addr}/v1/${path} answered ${res.status}: the root token is not accepted`);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

const dataOf = (b: unknown) => ((b as { data?: Record<string, unknown> })?.data ?? (b as Record<string, unknown>) ?? {});

/**
 * Whether Vault already holds the app's configuration: the database engine
 * and its connection, Kubernetes auth, and both roles. Dev-mode Vault keeps everything in memory,
 * so a restarted Vault pod answers "not configured".
 */
export async function readVaultConfigState(
  addr: string,
  token: string,
  b: VaultBinding & { dbConfig: string },
  timeoutMs: number,
): Promise<VaultConfigState> {
  const get = (path: string) => vaultGet(addr, token, path, timeoutMs);
  const [mounts, auths, connection, dbRole, authRole] = await Promise.all([
    get("sys/mounts"),
    get("sys/auth"),
    get(`database/config/${b.dbConfig}`),
    get(`database/roles/${b.dbRole}`),
    get(`auth/kubernetes/role/${b.authRole}`),
  ]);
  return vaultConfigState({
    mounts: dataOf(mounts.body),
    auths: dataOf(auths.body),
    connection: connection.status === 200,
    dbRole: dbRole.status === 200,
    authRole: authRole.status === 200,
  });
}

/** Vault's health endpoint answers 200 (initialised, unsealed, active). */
export async function vaultHealthy(addr: string, timeoutMs: number): Promise<{ ok: boolean; status: number }> {
  const res = await fetch(`${addr}/v1/sys/health`, { signal: AbortSignal.timeout(timeoutMs) });
  await res.body?.cancel();
  return { ok: res.status === 200, status: res.status };
}
