import type { LoginAttempt } from "../../../harness/claims/dynamic/types.ts";
import { redactor } from "../../../harness/evidence/redact.ts";
import { connectPostgres, type PgEndpoint } from "../../../harness/postgres/client.ts";

/**
 * One password login over TCP from this machine to a container's mapped port,
 * recorded in the shape the judges read (psql's: exit 0 and current_user on
 * stdout when accepted, exit 2 and the server's message otherwise). Docker's
 * port mapping delivers the connection from the bridge, not from 127.0.0.1,
 * so it meets the image's password-checked `host all all all` line.
 */
export async function tcpLogin(endpoint: PgEndpoint, user: string, password: string, credential: string, timeoutMs: number): Promise<LoginAttempt> {
  redactor.register(password, credential);
  const base = { at: new Date().toISOString(), user, ...endpoint, credential };
  try {
    await using conn = await connectPostgres({ ...endpoint, user, password, timeoutMs });
    const r = await conn.query<{ u: string }>("SELECT current_user AS u");
    return { ...base, exitCode: 0, stdout: `${r.rows[0]?.u ?? ""}\n`, stderr: "" };
  } catch (err) {
    return { ...base, exitCode: 2, stdout: "", stderr: redactor.redact((err as Error).message) };
  }
}
