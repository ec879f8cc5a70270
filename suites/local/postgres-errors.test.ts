import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactor } from "../../harness/evidence/redact.ts";
import { connectPostgres, type PgConnection } from "../../harness/postgres/client.ts";
import { startLocalPostgres, type LocalPostgres } from "../../harness/postgres/local-server.ts";
import { loadProfile } from "../../harness/vitest/index.ts";

let pg: LocalPostgres;
let admin: PgConnection;

beforeAll(async () => {
  pg = await startLocalPostgres(loadProfile());
  admin = await pg.connect();
});
afterAll(async () => {
  await admin?.close();
  await pg?.stop();
});

describe("Postgres client errors, as a test runner prints them", () => {
  it("a failed statement's error and its cause chain never show the registered password the server quoted", async () => {
    const password = `A1a-${randomBytes(12).toString("hex")}`;
    redactor.register(password, "password in a malformed statement");
    // No PASSWORD keyword: the server's syntax error quotes the literal itself.
    const err = await admin.query(`CREATE ROLE "v-bad" WITH LOGIN '${password}'`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error & { code?: string }).code).toBe("42601");
    const printed = inspect(err, { depth: 10 });
    expect(printed).toContain("<redacted sha256:");
    expect(printed).not.toContain(password);
  });

  it("a refused login's error and its cause chain never show the password", async () => {
    const password = `A1a-${randomBytes(12).toString("hex")}`;
    const err = await connectPostgres(pg.login("no-such-role", password)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(inspect(err, { depth: 10 })).not.toContain(password);
  });
});
