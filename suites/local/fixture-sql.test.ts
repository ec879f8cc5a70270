import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderVaultDefinitions } from "../../fixtures/vault/definitions.ts";
import { toMs } from "../../clusters/duration.ts";
import { run } from "../../harness/core/exec.ts";
import { issueCredential, revokeCredential, type IssuedCredential } from "../../harness/postgres/apply-statements.ts";
import { redactor } from "../../harness/evidence/redact.ts";
import { attemptLogin, connectPostgres, INVALID_PASSWORD, type PgConnection } from "../../harness/postgres/client.ts";
import { startLocalPostgres, type LocalPostgres } from "../../harness/postgres/local-server.ts";
import { parseRolesSnapshot, quoteIdent, ROLES_SNAPSHOT_PSQL, snapshotRoles } from "../../harness/postgres/roles.ts";
import { loadProfile } from "../../harness/vitest/index.ts";

const profile = loadProfile();
const defs = renderVaultDefinitions(profile);
const role = defs.databaseRole.body;
const ttlMs = toMs(profile.vault.defaultTtl);

let pg: LocalPostgres;
let admin: PgConnection;

const issue = (issuedAt?: Date) =>
  issueCredential(admin, { creationStatements: role.creation_statements, roleName: defs.names.role, ttlMs, issuedAt });
const loginAs = (c: IssuedCredential, password = c.password) => attemptLogin(pg.login(c.username, password));

beforeAll(async () => {
  pg = await startLocalPostgres(profile);
  admin = await pg.connect();
  await admin.query("CREATE TABLE public.inventory (id int PRIMARY KEY, item text)");
  await admin.query("INSERT INTO public.inventory VALUES (1, 'widget')");
});

afterAll(async () => {
  await admin?.close();
  await pg?.stop();
});

describe("D1: the fixture creation statements issue a role with a hard expiry (real PostgreSQL)", () => {
  it("names the role like Vault: v-<display 8>-<role 8>-<random 20>-<unix>, at most 63 characters", async () => {
    const c = await issue();
    expect(c.username).toMatch(/^v-kubernet-secure-a-[0-9A-Za-z]{20}-\d{10}$/);
    expect(c.username.length).toBeLessThanOrEqual(63);
  });

  it("sets rolvaliduntil to exactly the expiration Vault substitutes", async () => {
    const c = await issue();
    const rows = await snapshotRoles(admin, c.username);
    expect(rows).toEqual([{ rolname: c.username, rolvaliduntil: c.expiresAt.toISOString(), rolcanlogin: true }]);
    expect(c.expirationText).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+0000$/);
  });

  it("lets the role log in with its password and SELECT from public tables", async () => {
    const c = await issue();
    await using conn = await pg.connect({ user: c.username, password: c.password });
    const who = await conn.query<{ u: string }>("SELECT current_user AS u");
    expect(who.rows[0]?.u).toBe(c.username);
    expect((await conn.query("SELECT item FROM public.inventory")).rows).toEqual([{ item: "widget" }]);
  });

  it("denies the role INSERT and CREATE (SQLSTATE 42501)", async () => {
    const c = await issue();
    await using conn = await pg.connect({ user: c.username, password: c.password });
    await expect(conn.query("INSERT INTO public.inventory VALUES (2, 'x')")).rejects.toMatchObject({ code: "42501" });
    await expect(conn.query("CREATE TABLE public.planted (id int)")).rejects.toMatchObject({ code: "42501" });
  });

  it("rejects a wrong password for a live role (28P01), so the login probe can fail", async () => {
    const c = await issue();
    expect((await loginAs(c)).ok).toBe(true);
    const wrong = await loginAs(c, `${c.password}x`);
    expect(wrong).toMatchObject({ ok: false, errorCode: INVALID_PASSWORD });
  });

  it("refuses login to a role past its VALID UNTIL even with the right password", async () => {
    const c = await issue(new Date(Date.now() - ttlMs - 60_000));
    expect(c.expiresAt.getTime()).toBeLessThan(Date.now());
    const attempt = await loginAs(c);
    expect(attempt).toMatchObject({ ok: false, errorCode: INVALID_PASSWORD });
    expect(attempt.message).not.toContain(c.password);
  });
});

describe("D3: the fixture revocation statements drop the role (real PostgreSQL)", () => {
  it("removes the role from pg_roles and its password stops working", async () => {
    const c = await issue();
    await revokeCredential(admin, role.revocation_statements, c.username);
    expect(await snapshotRoles(admin, c.username)).toEqual([]);
    expect(await loginAs(c)).toMatchObject({ ok: false, errorCode: INVALID_PASSWORD });
  });

  it("leaves a role created outside Vault in place (negative control)", async () => {
    const outsider = "v-outside-vault-control";
    await admin.query(`CREATE ROLE ${quoteIdent(outsider)} LOGIN`);
    const c = await issue();
    await revokeCredential(admin, role.revocation_statements, c.username);
    const rows = await snapshotRoles(admin, "v-outside");
    expect(rows.map((r) => r.rolname)).toEqual([outsider]);
    expect(rows[0]?.rolvaliduntil).toBeNull();
  });
});

describe("pg_roles snapshot collector", () => {
  it("binds the prefix as a parameter: quotes in it are data, not SQL", async () => {
    const odd = `v-odd"name'; DROP ROLE postgres; --`;
    await admin.query(`CREATE ROLE ${quoteIdent(odd)}`);
    expect((await snapshotRoles(admin, `v-odd"`)).map((r) => r.rolname)).toEqual([odd]);
    expect(await snapshotRoles(admin, `x'; SELECT 1; --`)).toEqual([]);
  });

  it("gives the same rows through psql on stdin as through the driver", async () => {
    const c = await issue();
    const r = await run(
      join(pg.bindir, "psql"),
      ["-X", "-A", "-t", "-h", pg.host, "-p", String(pg.port), "-U", pg.adminUser, "-d", pg.database, "-v", `prefix=${c.username}`, "-f", "-"],
      { timeoutMs: toMs(profile.waits.command), input: ROLES_SNAPSHOT_PSQL, env: { PGPASSWORD: pg.adminPassword } },
    );
    expect(parseRolesSnapshot(r.stdout)).toEqual(await snapshotRoles(admin, c.username));
    expect(parseRolesSnapshot(r.stdout)).toHaveLength(1);
  });
});

describe("Postgres client errors, as a test runner prints them (message, properties, causes)", () => {
  it("a failed statement's error never shows the registered password the server quoted", async () => {
    const password = `A1a-${randomBytes(12).toString("hex")}`;
    redactor.register(password, "password in a malformed statement");
    // No PASSWORD keyword: the server's syntax error quotes the literal itself.
    const err = await admin.query(`CREATE ROLE "v-bad" WITH LOGIN '${password}'`).catch((e: unknown) => e);
    expect((err as Error & { code?: string }).code).toBe("42601");
    const printed = inspect(err, { depth: 10 });
    expect(printed).toContain("<redacted sha256:");
    expect(printed).not.toContain(password);
  });

  it("a refused login's error never shows the password", async () => {
    const password = `A1a-${randomBytes(12).toString("hex")}`;
    const err = await connectPostgres(pg.login("no-such-role", password)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(inspect(err, { depth: 10 })).not.toContain(password);
  });
});
