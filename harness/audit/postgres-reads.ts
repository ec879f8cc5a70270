import pg from "pg";
import { redactError, redactor as defaultRedactor, type Redactor } from "../evidence/redact.ts";
import { type PgRolesSnapshot, parseRolesSnapshot, ROLES_SNAPSHOT_SQL } from "../postgres/roles.ts";

/** Postgres's clock, as a JSON string (the form harness/postgres/in-pod.ts reads). */
export const NOW_SQL = "SELECT to_json(now())::text AS now";

/** Every statement a read-only audit sends to Postgres: SELECTs only (a unit test holds it to that). */
export const AUDIT_SQL: readonly string[] = [NOW_SQL, ROLES_SNAPSHOT_SQL];

/** What the audit asks Postgres: one pg_roles snapshot with its now(). */
export interface RolesReader {
  snapshot(): Promise<PgRolesSnapshot>;
  close(): Promise<void>;
}

/** A query function (pg's Client.query shape) that sends nothing but AUDIT_SQL. */
export type Query = (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

export function guardedQuery(query: Query, where: string): Query {
  return (text, values) => {
    if (!AUDIT_SQL.includes(text)) return Promise.reject(new Error(`a read-only audit refused to send ${JSON.stringify(text.slice(0, 60))} to ${where}`));
    return query(text, values);
  };
}

/** One snapshot: now() then every role (the empty prefix selects all; the audit does not read Vault's username template). */
export async function snapshotWith(query: Query, at: string): Promise<PgRolesSnapshot> {
  const now = (await query(NOW_SQL)).rows[0]?.now;
  const pgNow = typeof now === "string" ? (JSON.parse(now) as unknown) : undefined;
  if (typeof pgNow !== "string") throw new Error(`${NOW_SQL} returned ${JSON.stringify(now)}, not a JSON time`);
  const roles = (await query(ROLES_SNAPSHOT_SQL, [""])).rows[0]?.roles;
  return { at, pgNow, rows: parseRolesSnapshot(typeof roles === "string" ? roles : "null") };
}

/** A session whose transactions are read-only: the server refuses any write in it (default_transaction_read_only as a startup option). */
export const readOnlySession = (connectionString: string, timeoutMs: number): pg.ClientConfig => ({
  connectionString,
  connectionTimeoutMillis: timeoutMs,
  application_name: "secretproof-audit",
  options: "-c default_transaction_read_only=on",
});

/**
 * Connects with the auditor's connection string, in a session whose
 * transactions are read-only (default_transaction_read_only, set as a startup
 * option), and sends only AUDIT_SQL.
 */
export async function connectRolesReader(connectionString: string, timeoutMs: number, red: Redactor = defaultRedactor): Promise<RolesReader> {
  red.register(connectionString, "database connection string (audit)");
  const client = new pg.Client(readOnlySession(connectionString, timeoutMs));
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new Error(`connecting to the audit target's database (target.database.connection) failed: ${red.redact((err as Error).message)}`, { cause: redactError(err, red) });
  }
  const query = guardedQuery((text, values) => client.query(text, values), "the audit target's database");
  return { snapshot: () => snapshotWith(query, new Date().toISOString()), close: () => client.end() };
}
