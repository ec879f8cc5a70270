import { renderVaultDefinitions, type VaultDefinitions } from "../../fixtures/vault/definitions.ts";
import { toMs } from "../../clusters/duration.ts";
import { PermanentError } from "../core/errors.ts";
import { redactor as defaultRedactor, type Redactor } from "../evidence/redact.ts";
import type { Profile } from "../profile.ts";
import { connectVault, type VaultApi } from "./client.ts";

export interface PostgresAdmin {
  host: string;
  port: number;
  adminUser: string;
  /** The bootstrap password; only used while Vault has no connection config yet. */
  adminPassword: string;
  database: string;
}

export interface ConfigureVaultOptions {
  addr: string;
  token: string;
  profile: Profile;
  postgres: PostgresAdmin;
  /** Kubernetes auth; absent in the component tier, where no cluster exists. */
  kubernetes?: { host: string };
  /** false skips rotate-root (only the mutation catalogue's no-rotate-root sets it); absent means rotate. */
  rotateRoot?: boolean;
}

/** Templated so that rotate-root can change the password Vault connects with. */
export function connectionUrl(pg: Pick<PostgresAdmin, "host" | "port" | "database">): string {
  return `postgresql://{{username}}:{{password}}@${pg.host}:${pg.port}/${pg.database}?sslmode=disable`;
}

type MountTable = Record<string, { type?: string } | undefined>;

/** Enables a secrets engine or auth method at `path` unless it is already there with the same type. */
export async function ensureMount(vault: VaultApi, kind: "secrets" | "auth", path: string, type: string): Promise<void> {
  const table = kind === "secrets" ? "sys/mounts" : "sys/auth";
  const r = await vault.read<{ data?: MountTable } & MountTable>(table);
  const existing = (r.data ?? r)[`${path}/`];
  if (existing?.type === type) return;
  if (existing) throw new PermanentError(`${table} has ${path}/ mounted as ${existing.type}, not ${type}, on ${vault.addr}`);
  await vault.write(`${table}/${path}`, { type });
}

interface ConnectionConfig {
  data?: { plugin_name?: string; connection_details?: { username?: string; connection_url?: string } };
}

/**
 * Points Vault at Postgres. The first time, with the bootstrap admin password;
 * afterwards only the settings that are not secret, so the password Vault
 * rotated to stays: an update merges into the stored connection details
 * (hashicorp/vault builtin/logical/database/path_config_connection_ce.go:
 * 124-135, ce/main c6c940d) and verify_connection then connects with them.
 */
async function configureConnection(vault: VaultApi, defs: VaultDefinitions, pg: PostgresAdmin): Promise<void> {
  const { databaseMount, dbConfig, role } = defs.names;
  const path = `${databaseMount}/config/${dbConfig}`;
  const settings = { plugin_name: "postgresql-database-plugin", connection_url: connectionUrl(pg), allowed_roles: [role], verify_connection: true };
  const existing = await vault.readOptional<ConnectionConfig>(path);
  if (existing) {
    const user = existing.data?.connection_details?.username;
    if (user !== pg.adminUser) throw new PermanentError(`${path} on ${vault.addr} connects as ${user ?? "nobody"}, not ${pg.adminUser}`);
    await vault.write(path, settings);
    return;
  }
  try {
    await vault.write(path, { ...settings, username: pg.adminUser, password: pg.adminPassword });
  } catch (err) {
    if (!/password authentication failed/.test((err as Error).message)) throw err;
    throw new PermanentError(
      `${path} is new on ${vault.addr}, but Postgres rejects the bootstrap password of ${pg.adminUser}: an earlier run rotated it ` +
        "and this Vault has lost that configuration (dev-mode storage is in memory); reset the admin password over the Postgres socket or recreate the cluster",
      { cause: err },
    );
  }
}

async function configureKubernetesAuth(vault: VaultApi, defs: VaultDefinitions, host: string): Promise<void> {
  const mount = defs.names.kubernetesAuthMount;
  await ensureMount(vault, "auth", mount, "kubernetes");
  await vault.write(`auth/${mount}/config`, { kubernetes_host: host });
  await vault.write(defs.kubernetesRole.path, defs.kubernetesRole.body);
}

/**
 * Everything Vault needs for the pipeline, on a handle: the database engine,
 * the connection, rotate-root, the dynamic role, the app's policy and (with a
 * cluster) Kubernetes auth. Safe to run again on a configured Vault.
 */
export async function applyVaultConfiguration(vault: VaultApi, opts: Omit<ConfigureVaultOptions, "addr" | "token">, red: Redactor = defaultRedactor): Promise<void> {
  red.register(opts.postgres.adminPassword, "postgres bootstrap admin password");
  const defs = renderVaultDefinitions(opts.profile);
  const { databaseMount, dbConfig } = defs.names;
  await ensureMount(vault, "secrets", databaseMount, "database");
  await configureConnection(vault, defs, opts.postgres);
  // After this only Vault knows the admin password. Rotating again later is harmless: Vault holds the current one.
  if (opts.rotateRoot !== false) await vault.write(`${databaseMount}/rotate-root/${dbConfig}`, {});
  await vault.write(defs.databaseRole.path, defs.databaseRole.body);
  await vault.write(defs.policy.path, defs.policy.body);
  if (opts.kubernetes) await configureKubernetesAuth(vault, defs, opts.kubernetes.host);
}

/** Configures the Vault at `addr` for the pipeline (see applyVaultConfiguration). */
export async function configureVault(opts: ConfigureVaultOptions): Promise<void> {
  await using vault = await connectVault({ addr: opts.addr, token: opts.token, timeoutMs: toMs(opts.profile.waits.command) });
  await applyVaultConfiguration(vault, opts);
}
