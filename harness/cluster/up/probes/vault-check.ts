import { PermanentError } from "../../../core/errors.ts";
import type { VaultDefinitions } from "../../../../fixtures/vault/definitions.ts";
import { vaultConfigState, type VaultConfigState } from "../judges/vault-config.ts";

async function vaultGet(addr: string, token: string, path: string, timeoutMs: number): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${addr}/v1/${path}`, { headers: { "X-Vault-Token": token }, signal: AbortSignal.timeout(timeoutMs) });
  if (res.status === 401 || res.status === 403) throw new PermanentError(`GET ${addr}/v1/${path} answered ${res.status}: the root token is not accepted`);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

const dataOf = (b: unknown) => ((b as { data?: Record<string, unknown> })?.data ?? (b as Record<string, unknown>) ?? {});

const found = (r: { status: number; body: unknown }) => (r.status === 200 ? dataOf(r.body) : undefined);

/**
 * What Vault holds of the app's configuration: the database engine and its
 * connection, Kubernetes auth, both roles and the policy, compared with what
 * `defs` renders. Dev-mode Vault keeps everything in memory, so a restarted
 * Vault pod answers "missing".
 */
export async function readVaultConfigState(addr: string, token: string, defs: VaultDefinitions, timeoutMs: number): Promise<VaultConfigState> {
  const get = (path: string) => vaultGet(addr, token, path, timeoutMs);
  const [mounts, auths, connection, databaseRole, kubernetesRole, policy] = await Promise.all([
    get("sys/mounts"),
    get("sys/auth"),
    get(`${defs.names.databaseMount}/config/${defs.names.dbConfig}`),
    get(defs.databaseRole.path),
    get(defs.kubernetesRole.path),
    get(defs.policy.path),
  ]);
  return vaultConfigState(
    {
      mounts: dataOf(mounts.body),
      auths: dataOf(auths.body),
      connection: connection.status === 200,
      held: { databaseRole: found(databaseRole), kubernetesRole: found(kubernetesRole), policy: found(policy) },
    },
    defs,
  );
}

/** Vault's health endpoint answers 200 (initialised, unsealed, active). */
export async function vaultHealthy(addr: string, timeoutMs: number): Promise<{ ok: boolean; status: number }> {
  const res = await fetch(`${addr}/v1/sys/health`, { signal: AbortSignal.timeout(timeoutMs) });
  await res.body?.cancel();
  return { ok: res.status === 200, status: res.status };
}
