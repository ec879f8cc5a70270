import type { VaultApi } from "../vault/client.ts";
import { type LeaseRecord, lookupAll } from "../vault/leases.ts";
import type { AuditTarget } from "./target.ts";

/** The one POST an audit sends: a lease lookup, which changes nothing (vault/logical_system.go handleLeaseLookup). */
export const LEASE_LOOKUP = "sys/leases/lookup";

/** One call the audit made to Vault's HTTP API. */
export interface VaultCall {
  method: "GET" | "LIST" | "POST";
  path: string;
}

/**
 * The Vault API an audit may use: reads, lists and the lease lookup. Every
 * call is recorded; any other write is refused before it is sent, naming it.
 */
export function readOnlyVault(api: VaultApi, calls: VaultCall[] = [], reads?: (c: VaultCall) => boolean): VaultApi & { calls: VaultCall[] } {
  /** A GET or LIST outside `reads` (when given) is refused too, naming it. */
  const send = <T>(c: VaultCall, go: () => Promise<T>): Promise<T> => {
    if (reads && !reads(c)) return Promise.reject(new Error(`a read-only audit refused to send ${c.method} /v1/${c.path} to ${api.addr}: not a path the audit reads`));
    calls.push(c);
    return go();
  };
  return {
    addr: api.addr,
    calls,
    read: (path) => send({ method: "GET", path }, () => api.read(path)),
    readOptional: (path) => send({ method: "GET", path }, () => api.readOptional(path)),
    list: (path) => send({ method: "LIST", path }, () => api.list(path)),
    write(path, body) {
      if (path !== LEASE_LOOKUP) return Promise.reject(new Error(`a read-only audit refused to send POST /v1/${path} to ${api.addr}`));
      calls.push({ method: "POST", path });
      return api.write(path, body);
    },
  };
}

/**
 * The reads a passive audit makes: GET <mount>/roles/<role>, GET
 * <mount>/config/<connection> (the role's db_name, for its username
 * template) and LIST sys/leases/lookup/<mount>/creds/<role>/. Pure.
 */
export function auditReads(t: AuditTarget): (c: VaultCall) => boolean {
  const m = t.vault.databaseMount;
  return (c) =>
    (c.method === "GET" && (c.path === `${m}/roles/${t.vault.role}` || (c.path.startsWith(`${m}/config/`) && /^[^/]+$/.test(c.path.slice(m.length + 8))))) ||
    (c.method === "LIST" && c.path === `sys/leases/lookup/${credsPrefix(t)}`);
}

/** The role's settings as GET <mount>/roles/<role> returns them (builtin/logical/database/path_roles.go pathRoleRead: TTLs in seconds). */
export interface VaultRole {
  path: string;
  defaultTtlSec: number;
  maxTtlSec: number;
  dbName?: string;
  credentialType?: string;
}

interface RoleResponse {
  data?: { default_ttl?: unknown; max_ttl?: unknown; db_name?: unknown; credential_type?: unknown };
}

/** The role's TTLs from a GET <mount>/roles/<role> body; the statements it also carries are not kept. Pure. */
export function roleOf(path: string, body: unknown): VaultRole {
  const d = (body as RoleResponse | undefined)?.data;
  if (typeof d?.default_ttl !== "number" || typeof d.max_ttl !== "number") throw new Error(`GET /v1/${path} returned no numeric default_ttl and max_ttl: ${JSON.stringify(d ?? null).slice(0, 200)}`);
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  const dbName = str(d.db_name);
  const credentialType = str(d.credential_type);
  return { path, defaultTtlSec: d.default_ttl, maxTtlSec: d.max_ttl, ...(dbName ? { dbName } : {}), ...(credentialType ? { credentialType } : {}) };
}

/** GET <mount>/roles/<role>. */
export async function readRole(vault: VaultApi, t: AuditTarget): Promise<VaultRole> {
  const path = `${t.vault.databaseMount}/roles/${t.vault.role}`;
  return roleOf(path, await vault.read(path));
}

/** The creds prefix whose leases are the role's. */
export const credsPrefix = (t: AuditTarget): string => `${t.vault.databaseMount}/creds/${t.vault.role}/`;

/** LIST sys/leases/lookup/<mount>/creds/<role>/ and a lookup of each (a lease gone between the two is skipped). */
export const readLeases = (vault: VaultApi, t: AuditTarget): Promise<LeaseRecord[]> => lookupAll(vault, credsPrefix(t));
