/**
 * How Vault's PostgreSQL database plugin turns a role's statements into SQL,
 * reproduced so the local tier can execute the fixture statements against a
 * real PostgreSQL exactly as Vault would. This is not a Vault: it renders and
 * nothing else. Sources (hashicorp/vault):
 *  - plugins/database/postgresql/postgresql.go: default username template
 *    `v-<display 8>-<role 8>-<random 20>-<unix_time>` truncated to 63,
 *    expiration layout "2006-01-02 15:04:05-0700", statements split on ";"
 *    unless they hold a multi-line body (an `END` keyword);
 *  - sdk/helper/dbtxn: `{{key}}` placeholders replaced by plain text;
 *  - sdk/helper/template: `random` is base62 (go-secure-stdlib/base62);
 *  - sdk/helper/random: default password, 20 chars, at least one lower,
 *    upper, digit and "-";
 *  - builtin/logical/database/path_creds_create.go: expiration = now + TTL + 5s.
 */
import { randomInt } from "node:crypto";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";
const PASSWORD_CHARSET = `-${DIGITS}${UPPER}${LOWER}`;

/** PostgreSQL's identifier limit (NAMEDATALEN - 1), the template's final truncate. */
export const MAX_USERNAME_LENGTH = 63;
/** Buffer Vault adds to the role's expiry beyond the lease TTL. */
export const EXPIRATION_BUFFER_MS = 5_000;

function pick(charset: string, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += charset[randomInt(charset.length)];
  return out;
}

export interface UsernameInput {
  /** Token display name; Kubernetes auth makes it start with `kubernetes-`. */
  displayName: string;
  roleName: string;
  now?: Date;
  /** Injected for tests; default 20 random base62 characters. */
  random?: string;
}

/** A username as Vault's default PostgreSQL template renders it. */
export function vaultUsername(input: UsernameInput): string {
  const unix = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const random = input.random ?? pick(BASE62, 20);
  const name = `v-${input.displayName.slice(0, 8)}-${input.roleName.slice(0, 8)}-${random}-${unix}`;
  return name.slice(0, MAX_USERNAME_LENGTH);
}

/** A password as Vault's default generator makes it: 20 chars, every class present. */
export function vaultPassword(): string {
  for (;;) {
    const p = pick(PASSWORD_CHARSET, 20);
    if ([LOWER, UPPER, DIGITS, "-"].every((set) => [...p].some((c) => set.includes(c)))) return p;
  }
}

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, "0");

/**
 * Formats a time with Go's layout "2006-01-02 15:04:05-0700" (seconds
 * truncated). Vault formats in its process's local zone; `offsetMinutes`
 * picks that zone (0 = UTC, as in the Vault container).
 */
export function vaultExpiration(at: Date, offsetMinutes = 0): string {
  const local = new Date(Math.floor(at.getTime() / 1000) * 1000 + offsetMinutes * 60_000);
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const sign = offsetMinutes < 0 ? "-" : "+";
  const off = Math.abs(offsetMinutes);
  return `${date} ${time}${sign}${pad(Math.floor(off / 60))}${pad(off % 60)}`;
}

/** The role expiry Vault sets for a credential issued at `issuedAt` with `ttlMs`. */
export function vaultRoleExpiry(issuedAt: Date, ttlMs: number): Date {
  return new Date(issuedAt.getTime() + ttlMs + EXPIRATION_BUFFER_MS);
}

/** Plain-text `{{key}}` substitution, as sdk/helper/dbtxn does it. */
export function substitute(statement: string, params: Readonly<Record<string, string>>): string {
  let out = statement;
  for (const [k, v] of Object.entries(params)) out = out.replaceAll(`{{${k}}}`, v);
  return out;
}

/** True when Vault would run the statement whole instead of splitting it on ";". */
export function isMultiline(statement: string): boolean {
  const withoutLiterals = statement.replace(/"[^"]*"|'[^']*'/g, "");
  return /\bEND\b/.test(withoutLiterals);
}

/** Splits role statements into the queries Vault executes, in order. */
export function splitStatements(statements: readonly string[]): string[] {
  return statements.flatMap((s) =>
    isMultiline(s)
      ? [s]
      : s
          .split(";")
          .map((q) => q.trim())
          .filter((q) => q.length > 0),
  );
}

/** The queries, with placeholders filled, that Vault runs for one statement list. */
export function renderQueries(statements: readonly string[], params: Readonly<Record<string, string>>): string[] {
  return splitStatements(statements).map((q) => substitute(q, params));
}
