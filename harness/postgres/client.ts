import pg from "pg";
import { PermanentError } from "../core/errors.ts";
import { redactError, redactor as defaultRedactor, type Redactor } from "../evidence/redact.ts";

export interface PgEndpoint {
  host: string;
  port: number;
  database: string;
}

export interface PgLogin extends PgEndpoint {
  user: string;
  password: string;
  /** Connection timeout in milliseconds. */
  timeoutMs: number;
}

/** An open connection: run queries, then close (or `await using`). */
export interface PgConnection {
  readonly user: string;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** SQLSTATE of a failed password login (also an expired or absent role). */
export const INVALID_PASSWORD = "28P01";

function clientFor(login: PgLogin): pg.Client {
  return new pg.Client({
    host: login.host,
    port: login.port,
    database: login.database,
    user: login.user,
    password: login.password,
    connectionTimeoutMillis: login.timeoutMs,
    application_name: "secretproof",
  });
}

function sqlstate(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Connects with a password over TCP. A rejected password is permanent
 * (waiting will not fix it); other failures are plain errors a wait may retry.
 */
export async function connectPostgres(login: PgLogin, red: Redactor = defaultRedactor): Promise<PgConnection> {
  const client = clientFor(login);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    const code = sqlstate(err);
    const msg = red.redact(
      `connecting to postgres://${login.user}@${login.host}:${login.port}/${login.database} failed` +
        `${code ? ` (SQLSTATE ${code})` : ""}: ${(err as Error).message}`,
    );
    const cause = redactError(err, red);
    throw code === INVALID_PASSWORD ? new PermanentError(msg, { cause }) : new Error(msg, { cause });
  }
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await client.end();
  };
  return {
    user: login.user,
    query: async (text, values) => {
      try {
        return await client.query(text, values);
      } catch (err) {
        const code = sqlstate(err);
        throw Object.assign(
          new Error(red.redact(`query as ${login.user} failed${code ? ` (SQLSTATE ${code})` : ""}: ${(err as Error).message}`), {
            cause: redactError(err, red),
          }),
          { code },
        );
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

export interface LoginAttempt {
  ok: boolean;
  /** SQLSTATE when the server refused (e.g. 28P01), undefined on success or a network failure. */
  errorCode: string | undefined;
  /** The server's or driver's message, redacted. */
  message: string;
}

/**
 * Tries to log in once and reports what the server said, without throwing:
 * the evidence for "this password is (not) accepted".
 */
export async function attemptLogin(login: PgLogin, red: Redactor = defaultRedactor): Promise<LoginAttempt> {
  const client = clientFor(login);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return { ok: true, errorCode: undefined, message: red.redact(`logged in as ${login.user}`) };
  } catch (err) {
    return { ok: false, errorCode: sqlstate(err), message: red.redact((err as Error).message) };
  } finally {
    await client.end().catch(() => undefined);
  }
}
