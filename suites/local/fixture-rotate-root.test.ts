import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rotateRootPassword } from "../../harness/postgres/apply-statements.ts";
import { attemptLogin, INVALID_PASSWORD } from "../../harness/postgres/client.ts";
import { startLocalPostgres, type LocalPostgres } from "../../harness/postgres/local-server.ts";
import { loadProfile } from "../../harness/vitest/index.ts";

const profile = loadProfile();
let pg: LocalPostgres;

beforeAll(async () => {
  pg = await startLocalPostgres(profile);
});

afterAll(async () => {
  await pg?.stop();
});

describe("D4: after Vault's root rotation statement only the new password works (real PostgreSQL)", () => {
  it("accepts the bootstrap admin password before rotation (the probe can succeed)", async () => {
    expect(await attemptLogin(pg.login(pg.adminUser, pg.adminPassword))).toMatchObject({ ok: true });
  });

  it("rejects the bootstrap admin password over TCP after rotation, and the new one logs in as superuser", async () => {
    const bootstrap = pg.adminPassword;
    let rotated: string;
    {
      await using admin = await pg.connect();
      rotated = await rotateRootPassword(admin, pg.adminUser);
    }
    const old = await attemptLogin(pg.login(pg.adminUser, bootstrap));
    expect(old).toMatchObject({ ok: false, errorCode: INVALID_PASSWORD });
    expect(old.message).not.toContain(bootstrap);

    await using conn = await pg.connect({ user: pg.adminUser, password: rotated });
    const r = await conn.query<{ rolsuper: boolean }>("SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
    expect(r.rows).toEqual([{ rolsuper: true }]);
  });
});
