import { randomBytes } from "node:crypto";

/**
 * The D claims' negative control: a role the collection creates in Postgres
 * itself, outside Vault (harness/postgres/in-pod.ts createControlRole), and
 * drops when it closes. A run ended by a signal never closes, so the next
 * run's sweep (harness/cluster/run/sweep.ts) drops what such runs left.
 */
export const CONTROL_ROLE_PREFIX = "v-secretproof-control-";
const CONTROL_ROLE = /^v-secretproof-control-[0-9a-f]{6}$/;

export function newControlRoleName(): string {
  return `${CONTROL_ROLE_PREFIX}${randomBytes(3).toString("hex")}`;
}

/**
 * Which roles are control roles an earlier run left: exactly the names
 * newControlRoleName makes. A role Vault issued cannot match: the database
 * plugin's default username template starts with "v-", then the token's
 * display name cut to 8 characters (hashicorp/vault
 * plugins/database/postgresql/postgresql.go:40, used when the connection sets
 * no username_template, :150-156; fixtures/vault/definitions.ts sets none),
 * and "secretproof" has 11.
 */
export function leftoverControlRoles(rows: readonly { rolname: string }[]): string[] {
  return rows.map((r) => r.rolname).filter((n) => CONTROL_ROLE.test(n));
}
