import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRolesReader, readOnlySession } from "../../harness/audit/postgres-reads.ts";
import { usernameTemplateOf, vaultRoleNames } from "../../harness/audit/vault-username.ts";
import { startLocalPostgres, type LocalPostgres } from "../../harness/postgres/local-server.ts";
import { loadProfile } from "../../harness/vitest/index.ts";

/** The audit's pg_roles reader against a real PostgreSQL 15, over a connection string as an auditor gives it. */
let server: LocalPostgres;
let url: string;

beforeAll(async () => {
  server = await startLocalPostgres(loadProfile());
  url = `postgres://${encodeURIComponent(server.adminUser)}:${encodeURIComponent(server.adminPassword)}@${server.host}:${server.port}/${server.database}`;
  const admin = await server.connect();
  try {
    await admin.query(`CREATE ROLE "v-kubernet-audit-Ab12Cd34Ef56Gh78Ij90-1796141405" WITH LOGIN PASSWORD 'unused-local-password' VALID UNTIL '2026-12-01 16:11:10+00'`);
  } finally {
    await admin.close();
  }
});

afterAll(async () => {
  await server?.stop();
});

describe("the audit's database reads on a real PostgreSQL 15", () => {
  it("a snapshot carries Postgres's now() and every role, VALID UNTIL in UTC with milliseconds", async () => {
    const reader = await connectRolesReader(url, 10_000);
    try {
      const s = await reader.snapshot();
      expect(Number.isNaN(Date.parse(s.pgNow))).toBe(false);
      expect(s.rows).toContainEqual({ rolname: "v-kubernet-audit-Ab12Cd34Ef56Gh78Ij90-1796141405", rolvaliduntil: "2026-12-01T16:11:10.000Z", rolcanlogin: true });
      expect(s.rows.find((r) => r.rolname === server.adminUser)).toMatchObject({ rolvaliduntil: null });
    } finally {
      await reader.close();
    }
  });

  it("the postgres plugin's default username template picks Vault's role out of the real pg_roles, not the admin", async () => {
    const reader = await connectRolesReader(url, 10_000);
    try {
      const u = usernameTemplateOf("db", "audit", { data: { plugin_name: "postgresql-database-plugin", connection_details: {} } });
      expect(vaultRoleNames(u, await reader.snapshot())).toEqual(["v-kubernet-audit-Ab12Cd34Ef56Gh78Ij90-1796141405"]);
    } finally {
      await reader.close();
    }
  });

  it("the session is read-only on the server's side too: a write in it is refused (SQLSTATE 25006)", async () => {
    const client = new pg.Client(readOnlySession(url, 10_000));
    await client.connect();
    try {
      await expect(client.query("CREATE ROLE audit_should_not_exist")).rejects.toMatchObject({ code: "25006" });
    } finally {
      await client.end();
    }
  });
});
