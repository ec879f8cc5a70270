/**
 * The `pg_roles` evidence the D claims read. The server renders the snapshot
 * as one JSON document, so the same query works through a driver connection
 * (`snapshotRoles`) and through `psql` inside the Postgres pod
 * (`ROLES_SNAPSHOT_PSQL` with `-v prefix=…`, parsed by `parseRolesSnapshot`).
 * The prefix is always a bound parameter, never spliced into SQL.
 */
import type { PgConnection } from "./client.ts";

export interface RoleRow {
  rolname: string;
  /** `rolvaliduntil` as ISO-8601 UTC with milliseconds, "infinity"/"-infinity", or null when unset. */
  rolvaliduntil: string | null;
  rolcanlogin: boolean;
}

/** One query of `pg_roles` taken inside the Postgres pod over its local socket. */
export interface PgRolesSnapshot {
  /** When the query was sent (harness clock). */
  at: string;
  /** Postgres's own `now()` in that query. */
  pgNow: string;
  rows: RoleRow[];
}

const SELECT = (prefixExpr: string) =>
  `SELECT coalesce(json_agg(json_build_object(
    'rolname', rolname,
    'rolvaliduntil', CASE
      WHEN rolvaliduntil IS NULL THEN NULL
      WHEN isfinite(rolvaliduntil) THEN to_char(rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
      ELSE rolvaliduntil::text END,
    'rolcanlogin', rolcanlogin) ORDER BY rolname), '[]'::json)::text AS roles
  FROM pg_catalog.pg_roles WHERE starts_with(rolname, ${prefixExpr})`;

/** Driver form: one bound parameter ($1 = prefix). */
export const ROLES_SNAPSHOT_SQL = SELECT("$1");

/**
 * psql form: feed on stdin (`psql -X -A -t -v prefix=<p> -f -`); psql quotes
 * `:'prefix'` as a literal. Variables are not interpolated with `-c`.
 */
export const ROLES_SNAPSHOT_PSQL = `${SELECT(":'prefix'")};\n`;

function isRoleRow(v: unknown): v is RoleRow {
  if (typeof v !== "object" || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.rolname === "string" &&
    (r.rolvaliduntil === null || typeof r.rolvaliduntil === "string") &&
    typeof r.rolcanlogin === "boolean"
  );
}

/** Parses the JSON text the snapshot query returns; throws on anything else. */
export function parseRolesSnapshot(text: string): RoleRow[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.trim());
  } catch (err) {
    throw new Error(`pg_roles snapshot is not JSON: ${text.slice(0, 200)}`, { cause: err });
  }
  if (!Array.isArray(parsed) || !parsed.every(isRoleRow)) {
    throw new Error(`pg_roles snapshot has an unexpected shape: ${text.slice(0, 200)}`);
  }
  return parsed;
}

/** Roles whose name starts with `prefix` (e.g. "v-"), ordered by name. */
export async function snapshotRoles(conn: PgConnection, prefix: string): Promise<RoleRow[]> {
  const r = await conn.query<{ roles: string }>(ROLES_SNAPSHOT_SQL, [prefix]);
  return parseRolesSnapshot(r.rows[0]?.roles ?? "null");
}

/** Double-quotes an identifier for SQL text (Vault's names are mixed case and contain dashes). */
export function quoteIdent(name: string): string {
  if (name.includes("\0")) throw new Error("identifier contains a NUL byte");
  return `"${name.replaceAll('"', '""')}"`;
}
