/**
 * Executes role statements against a real PostgreSQL the way Vault's
 * PostgreSQL plugin does (one transaction per operation, statements split
 * and filled by `renderQueries`). Used by the local tier to prove the
 * fixture SQL itself; on a cluster Vault runs the same statements.
 */
import { redactor as defaultRedactor, type Redactor } from "../evidence/redact.ts";
import type { PgConnection } from "./client.ts";
import { renderQueries, vaultExpiration, vaultPassword, vaultRoleExpiry, vaultUsername } from "./vault-statements.ts";

/** Vault's default root rotation statement (plugins/database/postgresql defaultChangePasswordStatement). */
export const DEFAULT_ROOT_ROTATION_STATEMENT = `ALTER ROLE "{{username}}" WITH PASSWORD '{{password}}';`;

export interface IssuedCredential {
  username: string;
  password: string;
  /** The role's VALID UNTIL, as Vault computed it (seconds precision). */
  expiresAt: Date;
  /** The exact text substituted for `{{expiration}}`. */
  expirationText: string;
}

export interface IssueOptions {
  creationStatements: readonly string[];
  roleName: string;
  ttlMs: number;
  /** Token display name; Kubernetes auth display names start with `kubernetes-`. */
  displayName?: string;
  /** Issue time; defaults to now. A past time yields an already-expired role. */
  issuedAt?: Date;
  redactor?: Redactor;
}

async function inTransaction(conn: PgConnection, queries: string[], what: string): Promise<void> {
  await conn.query("BEGIN");
  try {
    for (const q of queries) await conn.query(q);
    await conn.query("COMMIT");
  } catch (err) {
    await conn.query("ROLLBACK").catch(() => undefined);
    throw new Error(`${what} failed: ${(err as Error).message}`, { cause: err });
  }
}

/** Creates a role with the creation statements, as `GET database/creds/<role>` would. */
export async function issueCredential(conn: PgConnection, opts: IssueOptions): Promise<IssuedCredential> {
  const issuedAt = opts.issuedAt ?? new Date();
  const username = vaultUsername({ displayName: opts.displayName ?? "kubernetes-test-dynamic-default", roleName: opts.roleName, now: issuedAt });
  const password = vaultPassword();
  (opts.redactor ?? defaultRedactor).register(password, `dynamic password of ${username}`);
  const expiry = vaultRoleExpiry(issuedAt, opts.ttlMs);
  const expirationText = vaultExpiration(expiry);
  const queries = renderQueries(opts.creationStatements, { name: username, username, password, expiration: expirationText });
  await inTransaction(conn, queries, `creating role ${username}`);
  return { username, password, expiresAt: new Date(Math.floor(expiry.getTime() / 1000) * 1000), expirationText };
}

/** Runs the revocation statements for `username`, as lease revocation would. */
export async function revokeCredential(conn: PgConnection, revocationStatements: readonly string[], username: string): Promise<void> {
  await inTransaction(conn, renderQueries(revocationStatements, { name: username, username }), `revoking role ${username}`);
}

/** Sets a new password on `username` with Vault's root rotation statement; returns it (registered for redaction). */
export async function rotateRootPassword(conn: PgConnection, username: string, red: Redactor = defaultRedactor): Promise<string> {
  const password = vaultPassword();
  red.register(password, `rotated root password of ${username}`);
  await inTransaction(conn, renderQueries([DEFAULT_ROOT_ROTATION_STATEMENT], { username, password }), `rotating the password of ${username}`);
  return password;
}
