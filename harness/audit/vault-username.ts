import type { PgRolesSnapshot } from "../claims/dynamic/types.ts";
import type { VaultApi } from "../vault/client.ts";
import type { AuditTarget } from "./target.ts";
import { POSTGRES_DEFAULT_TEMPLATE, POSTGRES_PLUGIN, templateMatcher } from "./username-template.ts";
import type { VaultRole } from "./vault-reads.ts";

/**
 * Which pg_roles names are Vault's for the role: the connection's
 * `username_template`, read with GET <mount>/config/<db_name>. Vault answers
 * the connection's settings with `connection_details` holding what was
 * written to it, the template among them, password removed
 * (hashicorp/vault builtin/logical/database/path_config_connection_ce.go:124-135
 * stores them, :332-395 reads them back). Without one, the postgres plugin
 * uses its default (plugins/database/postgresql/postgresql.go:40, :150-156).
 * Checked at fidelity-contributions/hashicorp-vault@c6c940dde7e0 (2.1.0-beta1).
 */
export interface UsernameTemplate {
  /** The connection the role uses (its db_name). */
  connection?: string;
  pluginName?: string;
  template?: string;
  source: "connection" | "plugin default" | "unknown";
  /** The anchored RegExp source the role's names match, when the template is handled. */
  pattern?: string;
  /** Why no pattern: what the audit could not read or match; then every pg_roles role is a candidate. */
  limit?: string;
}

interface ConnectionResponse {
  data?: { plugin_name?: unknown; connection_details?: { username_template?: unknown } };
}

/** The template and its matcher from a GET <mount>/config/<connection> body. Pure. */
export function usernameTemplateOf(connection: string, role: string, body: unknown): UsernameTemplate {
  const d = (body as ConnectionResponse | undefined)?.data;
  const pluginName = typeof d?.plugin_name === "string" ? d.plugin_name : undefined;
  const set = d?.connection_details?.username_template;
  const base = { connection, ...(pluginName ? { pluginName } : {}) };
  let template: string;
  let source: UsernameTemplate["source"];
  if (typeof set === "string" && set !== "") [template, source] = [set, "connection"];
  else if (pluginName === POSTGRES_PLUGIN) [template, source] = [POSTGRES_DEFAULT_TEMPLATE, "plugin default"];
  else return { ...base, source: "unknown", limit: `connection ${connection} uses plugin ${pluginName ?? "(none named)"} and sets no username_template; only ${POSTGRES_PLUGIN}'s default is known` };
  const m = templateMatcher(template, role);
  return "pattern" in m ? { ...base, template, source, pattern: m.pattern } : { ...base, template, source, limit: `the username template of ${connection} uses ${m.unhandled}, which the audit cannot match` };
}

/** GET <mount>/config/<db_name> of the role (read-only); a failed read is a limit, not an error. */
export async function readUsernameTemplate(vault: VaultApi, t: AuditTarget, role: VaultRole): Promise<UsernameTemplate> {
  if (!role.dbName) return { source: "unknown", limit: `${role.path} names no db_name, so its connection's username template is unknown` };
  const path = `${t.vault.databaseMount}/config/${role.dbName}`;
  try {
    return usernameTemplateOf(role.dbName, t.vault.role, await vault.read(path));
  } catch (err) {
    return { connection: role.dbName, source: "unknown", limit: `GET /v1/${path} failed: ${(err as Error).message}` };
  }
}

/** The snapshot's role names the template matches; all of them when it has no pattern. Pure. */
export function vaultRoleNames(u: UsernameTemplate, snap: PgRolesSnapshot): string[] {
  const re = u.pattern ? new RegExp(u.pattern) : undefined;
  return snap.rows.map((r) => r.rolname).filter((n) => !re || re.test(n));
}

/**
 * What the lease lookup cannot tell: Vault answers a lease's id, times and
 * ttl, not the username it created (vault/logical_system.go:3438-3472
 * handleLeaseLookup), so without a pattern the audit cannot tell Vault's roles apart.
 */
export const NO_LEASE_USERNAMES = "Vault's lease lookup does not give the username a lease created";
