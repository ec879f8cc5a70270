import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { passiveDynamicFindings, type PassiveDynamic } from "../../../harness/audit/dynamic-passive.ts";
import { parseTarget } from "../../../harness/audit/target.ts";
import { POSTGRES_DEFAULT_TEMPLATE } from "../../../harness/audit/username-template.ts";
import { auditReads, readOnlyVault, roleOf } from "../../../harness/audit/vault-reads.ts";
import { readUsernameTemplate, usernameTemplateOf, vaultRoleNames } from "../../../harness/audit/vault-username.ts";
import type { PgRolesSnapshot } from "../../../harness/claims/dynamic/types.ts";
import type { VaultApi } from "../../../harness/vault/client.ts";

const FIXTURES = join(import.meta.dirname, "../../../fixtures/audit");
const fixture = <T>(name: string) => JSON.parse(readFileSync(join(FIXTURES, name), "utf8")) as T;
const target = parseTarget(readFileSync(join(FIXTURES, "target.example.yaml"), "utf8"), "example");
type Conn = { data: { plugin_name: string; connection_details: Record<string, string> } };
const connection = fixture<Conn>("vault/connection.json");
const withTemplate = (username_template: string): Conn => ({ ...connection, data: { ...connection.data, connection_details: { ...connection.data.connection_details, username_template } } });
const pg = fixture<Record<"start" | "end", { now: string; roles: string }>>("postgres-roles.json");
const snapshot = (phase: "start" | "end"): PgRolesSnapshot => ({ at: "2026-12-01T16:10:50.000Z", pgNow: JSON.parse(pg[phase].now) as string, rows: JSON.parse(pg[phase].roles) as PgRolesSnapshot["rows"] });
const role = roleOf("database/roles/payments-api", fixture("vault/role.json"));

function vault(answers: Record<string, unknown>): VaultApi {
  return {
    addr: "https://vault.internal.example:8200",
    read: async <T>(path: string) => {
      if (path in answers) return answers[path] as T;
      throw new Error(`GET /v1/${path}: 403 permission denied`);
    },
    readOptional: async () => undefined,
    list: async () => [],
    write: async () => undefined as never,
  };
}

describe("the role's username template, read from its connection (GET <mount>/config/<db_name>)", () => {
  it("a connection without username_template uses the postgres plugin's default, which matches Vault's roles in pg_roles and not the others", async () => {
    const u = await readUsernameTemplate(vault({ "database/config/payments-db": connection }), target, role);
    expect(u).toMatchObject({ connection: "payments-db", pluginName: "postgresql-database-plugin", source: "plugin default", template: POSTGRES_DEFAULT_TEMPLATE });
    expect(vaultRoleNames(u, snapshot("end"))).toEqual([
      "v-kubernet-payments-Mv5Js0aQe3RtY7uI2oP4-1796141405",
      "v-kubernet-payments-Xc1Vb6Nm9Az3Sd5Fg7Hj-1796141435",
      "v-kubernet-payments-b8TqW2eLr6NxV4cK1zPy-1796141380",
    ]);
  });

  it("a username_template in connection_details is the one matched", () => {
    const u = usernameTemplateOf("payments-db", "payments-api", withTemplate("app_{{.RoleName}}_{{random 6}}"));
    expect(u).toMatchObject({ source: "connection", template: "app_{{.RoleName}}_{{random 6}}" });
    expect(vaultRoleNames(u, { ...snapshot("end"), rows: [{ rolname: "app_payments-api_Ab12Cd", rolvaliduntil: null, rolcanlogin: true }, { rolname: "v-kubernet-payments-Mv5Js0aQe3RtY7uI2oP4-1796141405", rolvaliduntil: null, rolcanlogin: true }] })).toEqual(["app_payments-api_Ab12Cd"]);
  });

  it("what cannot be read or matched is a limit naming it, and then every pg_roles role is a candidate", async () => {
    expect(usernameTemplateOf("payments-db", "payments-api", withTemplate("{{ .RoleName | sha256 }}")).limit).toBe("the username template of payments-db uses the function sha256, which the audit cannot match");
    expect(usernameTemplateOf("mysql-db", "payments-api", { data: { plugin_name: "mysql-database-plugin", connection_details: {} } }).limit).toBe(
      "connection mysql-db uses plugin mysql-database-plugin and sets no username_template; only postgresql-database-plugin's default is known",
    );
    const denied = await readUsernameTemplate(vault({}), target, role);
    expect(denied).toEqual({ connection: "payments-db", source: "unknown", limit: "GET /v1/database/config/payments-db failed: GET /v1/database/config/payments-db: 403 permission denied" });
    expect(vaultRoleNames(denied, snapshot("end"))).toHaveLength(6);
    expect((await readUsernameTemplate(vault({}), target, { ...role, dbName: undefined })).limit).toBe("database/roles/payments-api names no db_name, so its connection's username template is unknown");
  });

  it("D3 without a matchable template counts every role and says why roles Vault did not issue may be listed", () => {
    const p: PassiveDynamic = {
      role,
      leases: { start: [], end: [] },
      pgRoles: { start: snapshot("start"), end: snapshot("end") },
      pods: [],
      params: { expiryToleranceMs: 5_000, dropGraceMs: 45_000 },
      usernames: { connection: "payments-db", source: "connection", template: "{{ .RoleName | sha256 }}", limit: "the username template of payments-db uses the function sha256, which the audit cannot match" },
    };
    expect(passiveDynamicFindings(p).D3).toContain(
      "roles past VALID UNTIL by more than 45.0s at 2026-12-01T16:10:50.274410+00:00: legacy_report (2026-11-01T00:00:00.000Z) (among all 6 pg_roles roles: the username template of payments-db uses the function sha256, which the audit cannot match, and Vault's lease lookup does not give the username a lease created, so roles Vault did not issue may be listed)",
    );
  });
});

describe("the audit's Vault reads are the ones it plans", () => {
  it("GET of the role and of a connection and LIST of the role's leases pass; any other GET or LIST is refused before it is sent", async () => {
    const sent: string[] = [];
    const api: VaultApi = { ...vault({}), read: async <T>(p: string) => (sent.push(p), {} as T), list: async (p) => (sent.push(p), []) };
    const ro = readOnlyVault(api, [], auditReads(target));
    await ro.read("database/roles/payments-api");
    await ro.read("database/config/payments-db");
    await ro.list("sys/leases/lookup/database/creds/payments-api/");
    await expect(ro.read("database/creds/payments-api")).rejects.toThrow("a read-only audit refused to send GET /v1/database/creds/payments-api to https://vault.internal.example:8200: not a path the audit reads");
    await expect(ro.read("database/config/a/b")).rejects.toThrow(/refused to send GET/);
    await expect(ro.read("sys/raw/core/keyring")).rejects.toThrow(/refused to send GET/);
    await expect(ro.list("sys/leases/lookup/")).rejects.toThrow(/refused to send LIST/);
    expect(sent).toEqual(["database/roles/payments-api", "database/config/payments-db", "sys/leases/lookup/database/creds/payments-api/"]);
  });
});
