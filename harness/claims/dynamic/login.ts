import type { LoginAttempt, PgRoleRow, PgRolesSnapshot } from "./types.ts";

export type LoginOutcome = "accepted" | "rejected" | "error";

/**
 * What the server said about a password, as libpq reports it. PostgreSQL
 * answers "password authentication failed for user" for a wrong password, an
 * expired role and a role that does not exist alike (it does not tell clients
 * which); anything else (refused connection, no pg_hba entry, a client that
 * never sent a password) says nothing about the password.
 */
const REJECTED = /password authentication failed for user|role "[^"]*" does not exist/;

/** Classifies a psql login attempt that ran `SELECT current_user`. */
export function classifyLogin(a: LoginAttempt): { outcome: LoginOutcome; why: string } {
  const said = firstLine(a.stderr) || firstLine(a.stdout) || "(no output)";
  if (a.exitCode === 0) {
    const user = firstLine(a.stdout);
    if (user === a.user) return { outcome: "accepted", why: `logged in; current_user = ${user}` };
    return { outcome: "error", why: `psql exited 0 but current_user is ${JSON.stringify(user)}, not ${a.user}` };
  }
  if (REJECTED.test(a.stderr)) return { outcome: "rejected", why: `rejected by the server: ${said}` };
  return { outcome: "error", why: `psql exited ${a.exitCode} without a password verdict: ${said}` };
}

function firstLine(s: string): string {
  return s.trim().split("\n")[0]?.trim() ?? "";
}

/** "<user>@<host>:<port>/<db> with <credential>" for reasons. */
export function describeLogin(a: LoginAttempt): string {
  return `${a.user}@${a.host}:${a.port}/${a.database} with the ${a.credential}`;
}

export function findRole(s: PgRolesSnapshot, name: string): PgRoleRow | undefined {
  return s.rows.find((r) => r.rolname === name);
}

/** Sorts snapshots by harness time, oldest first. */
export function byTime<T extends { at: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
