/**
 * Credentials never sit in a target file: a field that holds one is refused
 * with the way to pass it instead, before the schema runs, so the message is
 * about the credential and not about an unknown field.
 */

/** A URI with a password in its user info, e.g. postgres://user:pw@host/db. */
const URI_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]+:[^/@\s]*@/i;

/** Keys that name a credential wherever they appear, and what to do instead. */
const CREDENTIAL_KEYS: Readonly<Record<string, string>> = {
  token: "give tokenFile or set VAULT_TOKEN; a literal token is refused",
  password: "a literal password is refused; give database.connection.env or database.connection.file",
  pass: "a literal password is refused; give database.connection.env or database.connection.file",
  secret: "a literal secret is refused; give a file path or an environment variable name",
  uri: "a literal connection string is refused; give database.connection.env or database.connection.file",
  url: "a literal connection string is refused; give database.connection.env or database.connection.file",
  dsn: "a literal connection string is refused; give database.connection.env or database.connection.file",
  connectionString: "a literal connection string is refused; give database.connection.env or database.connection.file",
};

const FIELD_FIXES: Readonly<Record<string, string>> = {
  "vault.token": "give tokenFile or set VAULT_TOKEN; a literal token is refused",
  "database.connection": "give connection.env (a variable name) or connection.file (a path); a literal connection string is refused",
};

function walk(value: unknown, path: string, out: string[]): void {
  if (typeof value === "string") {
    if (URI_WITH_PASSWORD.test(value)) out.push(`target.${path}: holds a URI with a password; ${FIELD_FIXES[path] ?? "a credential in the target file is refused; give an environment variable name or a file path"}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${path}[${i}]`, out));
    return;
  }
  if (value === null || typeof value !== "object") return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const here = path ? `${path}.${k}` : k;
    const fix = FIELD_FIXES[here] && typeof v === "string" ? FIELD_FIXES[here] : CREDENTIAL_KEYS[k];
    if (fix && v !== undefined) out.push(`target.${here}: ${fix}`);
    else walk(v, here, out);
  }
}

/** Every field of a parsed target that holds a credential, as "target.<path>: <fix>". Pure. */
export function credentialFields(target: unknown): string[] {
  const out: string[] = [];
  walk(target, "", out);
  return out;
}
